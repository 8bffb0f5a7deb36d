"""The deployment files say the same thing: every service has web, worker, beat and relay; Redis
keeps its data."""

import itertools
import re
from pathlib import Path

import pytest
import yaml

from tests.support.kustomize import OVERLAYS, build, of_kind

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SERVICES = ("recruitment", "appreciation", "notifications")


def test_redis_config_keeps_queued_tasks_across_a_restart():
    config = (DEPLOY / "redis.conf").read_text().splitlines()
    assert "appendonly yes" in config and "appendfsync everysec" in config
    assert "maxmemory-policy noeviction" in config


def test_procfile_runs_a_worker_and_a_relay_per_service_plus_web_mail_and_redis():
    names = [
        line.split(":")[0]
        for line in (DEPLOY / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    expected = {"redis", "mail", "web"} | {f"{s}-{kind}" for s in SERVICES for kind in ("worker", "relay")}
    assert set(names) == expected


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_compose_and_kubernetes_run_every_process_of_every_service(overlay):
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]
    deployments = of_kind(build(overlay), "Deployment")
    for service in SERVICES:
        for kind in ("web", "worker", "beat", "relay"):
            assert f"{service}-{kind}" in compose and f"{service}-{kind}" in deployments
    beats = [d for name, d in deployments.items() if name.endswith("-beat")]
    assert len(beats) == 3 and all(d["spec"]["replicas"] == 1 for d in beats)


def test_proxy_routes_match_the_development_gateway():
    """nginx's map from path to service holds the gateway's routes, each owning its prefix and all below."""
    from deploy.local.gateway import ROUTES

    nginx = (DEPLOY / "nginx.conf.template").read_text()
    [routing] = re.findall(r"map \$uri \$knoop_service \{(.*?)\}", nginx, re.S)
    routes = re.findall(r"~\^(\S+)\(/\|\$\)\s+(\w+);", routing)
    assert routes == list(ROUTES)
    assert re.search(r"default\s+recruitment;", routing)
    for service in SERVICES:
        assert re.search(rf"\n\s+{service}\s+\$\{{NGINX_{service.upper()}_UPSTREAM\}};", nginx)


def test_compose_gives_the_proxy_every_variable_of_its_template_and_mounts_it_as_one():
    from tests.support.nginx import template_variables

    proxy = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]["proxy"]
    env = proxy["environment"]
    assert set(env) == template_variables()
    # Named default.conf.template, it replaces the image's own default server in conf.d.
    assert "./nginx.conf.template:/etc/nginx/templates/default.conf.template:ro" in proxy["volumes"]
    # The certificates from deploy/certs unless told otherwise (deploy/check-images.sh makes its own).
    assert "${KNOOP_CERTS_DIR:-./certs}:/etc/nginx/certs:ro" in proxy["volumes"]
    # Published on the ports nginx listens on: its redirects to HTTPS and the forwarded host name them.
    http, https = "${KNOOP_HTTP_PORT:-80}", "${KNOOP_HTTPS_PORT:-443}"
    assert sorted(proxy["ports"]) == [f"{https}:{https}", f"{http}:{http}"]
    assert (env["NGINX_HTTP_PORT"], env["NGINX_HTTPS_PORT"]) == (http, https)


def _gunicorn_options(command: list[str]) -> dict[str, str]:
    return {flag: value for flag, value in itertools.pairwise(command) if flag.startswith("--")}


def test_appreciation_web_runs_the_worker_model_its_benchmark_measures():
    from bench.redemption import WORKER_CLASS, WORKERS

    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]
    pods = [
        of_kind(build(overlay), "Deployment")["appreciation-web"]["spec"]["template"] for overlay in OVERLAYS
    ]
    commands = [
        compose["appreciation-web"]["command"].split(),
        *(p["spec"]["containers"][0]["command"] for p in pods),
    ]
    procfile = next(
        line for line in (DEPLOY / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    for command in [*commands, procfile.split()]:
        options = _gunicorn_options(command)
        assert options["--worker-class"] == WORKER_CLASS and options["--workers"] == str(WORKERS)
        assert "--threads" not in options
