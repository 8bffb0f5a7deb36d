"""What the Kubernetes overlays name exists in the code: every command a container or probe runs
(the Celery app, the WSGI app, the flask command and its options), every setting they give, and
every path they probe; every pod of a release migrates first; secrets stay out of the manifests."""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import re
import shlex
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from shared import config
from tests.support.kustomize import (
    KUBERNETES,
    OVERLAYS,
    SERVICES,
    build,
    containers,
    knoop_pods,
    probes,
    service_of,
    settings_given,
)

ROOT = KUBERNETES.parents[1]
# The web pods' probes. readyz (503 until the schema is this release's) and livez (the process
# answers, whatever the database does) come with the readiness work of issue 19: until both are
# routes of every service, test_every_probe_path_is_a_route_of_its_service fails, as it should.
PROBE_PATHS = {f"/api/{service}/{probe}" for service in SERVICES for probe in ("readyz", "livez")}


def _module_assigns(module: str, name: str) -> bool:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin, f"no module {module}"
    tree = ast.parse(Path(spec.origin).read_text())
    return any(
        isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets)
        for node in tree.body
    )


@functools.cache
def app_of(service: str):
    create_app = importlib.import_module(f"services.{service}").create_app
    return create_app({"profile": "test", "database_url": "sqlite://"})


def _flask_command_exists(argv: list[str]) -> None:
    service = argv[argv.index("--app") + 1].removeprefix("services.")
    command_name, options = argv[argv.index("--app") + 2], argv[argv.index("--app") + 3 :]
    command = app_of(service).cli.commands.get(command_name)
    assert command is not None, f"no command {command_name} in services.{service}"
    known = {option for p in command.params for option in p.opts}
    assert {o for o in options if o.startswith("--")} <= known, argv


def check_command(argv: list[str], service: str) -> None:
    """One container or probe command: its program, and what it names in the code."""
    program = argv[0]
    if program == "sh":
        check_command(shlex.split(argv[argv.index("-c") + 1].removeprefix("exec ")), service)
    elif program == "gunicorn":
        module, _, app = argv[-1].partition(":")
        assert module == f"services.{service}.wsgi" and _module_assigns(module, app)
        assert argv[argv.index("--bind") + 1] == "0.0.0.0:8000"
    elif program == "celery" and "-A" in argv:
        module = argv[argv.index("-A") + 1]
        assert module == f"services.{service}.worker" and _module_assigns(module, "celery_app")
        if "worker" in argv:
            assert argv[argv.index("-Q") + 1] == service  # its own queue: shared/messaging/celery_factory.py
    elif program == "celery":
        assert argv[1] == "-b" and argv[3:5] == ["inspect", "ping"], argv
        assert argv[argv.index("-d") + 1] == f"{service}@$HOSTNAME"
    elif program == "flask":
        assert argv[argv.index("--app") + 1] == f"services.{service}"
        _flask_command_exists(argv)
    elif program == "python":
        assert argv[1] == "-m" and importlib.util.find_spec(argv[2]) is not None, argv
    else:
        pytest.fail(f"unknown program {program}")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_command_and_probe_names_a_real_entry_point(overlay):
    for name, pod in knoop_pods(build(overlay)).items():
        for c in containers(pod):
            check_command(c["command"], service_of(name))
            for probe in probes(c):
                if "exec" in probe:
                    check_command(probe["exec"]["command"], service_of(name))


def test_the_workers_probe_pings_the_name_the_worker_gives_itself():
    for name, pod in knoop_pods(build("small-town")).items():
        if name.endswith("-worker"):
            [worker] = pod["containers"]
            assert worker["command"][worker["command"].index("-n") + 1] == f"{service_of(name)}@%h"


def test_the_relays_probe_reads_the_file_the_relay_touches():
    for name, pod in knoop_pods(build("small-town")).items():
        if name.endswith("-relay"):
            [relay] = pod["containers"]
            alive_file = relay["command"][relay["command"].index("--alive-file") + 1]
            assert alive_file.startswith("/tmp/")
            for probe in probes(relay):
                assert probe["exec"]["command"][:4] == ["python", "-m", "shared.alive", alive_file]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_of_a_release_migrates_its_service_first(overlay):
    for name, pod in knoop_pods(build(overlay)).items():
        [migrate] = pod["initContainers"]
        assert migrate["command"] == ["flask", "--app", f"services.{service_of(name)}", "db-upgrade"]
        assert migrate["image"] == pod["containers"][0]["image"]


# Settings: what the manifests set is what the code reads.


def names_the_code_reads(monkeypatch) -> set[str]:
    """Every environment variable the services' settings read (shared/config.py reads them all
    through `_env`), recorded while each service loads its settings."""
    read: set[str] = set()
    real = config._env

    def recording(name, default=None):
        read.add(name)
        return real(name, default)

    monkeypatch.setattr(config, "_env", recording)
    monkeypatch.delenv("KNOOP_ENV", raising=False)  # development: no production checks to pass
    for service in SERVICES:
        importlib.import_module(f"services.{service}.config").load_settings()
    return read


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_setting_the_manifests_give_is_read_by_the_code(overlay, monkeypatch):
    objects = build(overlay)
    given = set(settings_given(objects))
    for pod in knoop_pods(objects).values():
        for c in containers(pod):
            given |= {e["name"] for e in c.get("env", [])}
            sources = {next(iter(s.values()))["name"].rsplit("-", 1)[0] for s in c["envFrom"]}
            assert sources == {"knoop-config", "knoop-secrets"}
    assert given - names_the_code_reads(monkeypatch) == set()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_production_settings_are_all_there_with_tls_to_the_databases(overlay):
    settings = settings_given(build(overlay))
    assert settings["KNOOP_ENV"] == "production" and "KNOOP_DEFAULT_NETWORK" in settings
    needed = {"KNOOP_SECRET_KEYS", "KNOOP_REDIS_URL", "KNOOP_PUBLIC_URL", "KNOOP_SMTP_HOST"}
    assert needed <= set(settings)
    for service in SERVICES:
        url = urlsplit(settings[f"{service.upper()}_DATABASE_URL"])
        assert url.scheme == "postgresql+psycopg" and url.path == f"/{service}"
        assert parse_qs(url.query)["sslmode"] == ["require"]


def test_the_secrets_come_from_git_ignored_files_beside_a_committed_example():
    manifests = [p for p in KUBERNETES.rglob("*.yaml") if re.search(r"^kind: Secret$", p.read_text(), re.M)]
    assert manifests == [], "a Secret written in a manifest is overwritten by every apply"
    for overlay in OVERLAYS:
        kustomization = (KUBERNETES / "overlays" / overlay / "kustomization.yaml").read_text()
        files = re.findall(r"envs: \[(\S+\.env)\]", kustomization.split("secretGenerator:")[1])
        assert "secrets.env" in files
        for name in files:
            path = KUBERNETES / "overlays" / overlay / name
            assert path.with_name(f"{name}.example").is_file()
            ignored = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT)
            assert ignored.returncode == 0, f"{path} is not git-ignored"


# The web pods: probes on real routes, the Ingress as the proxy routes.


def web_probe_paths(objects) -> dict[str, set[str]]:
    paths: dict[str, set[str]] = {}
    for name, pod in knoop_pods(objects).items():
        for probe in probes(pod["containers"][0]):
            if "httpGet" in probe:
                paths.setdefault(service_of(name), set()).add(probe["httpGet"]["path"])
    return paths


def test_the_web_pods_probe_readiness_and_liveness_separately():
    pod = knoop_pods(build("small-town"))["recruitment-web"]
    [web] = pod["containers"]
    assert web["readinessProbe"]["httpGet"]["path"] == "/api/recruitment/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/api/recruitment/livez"
    assert set().union(*web_probe_paths(build("small-town")).values()) == PROBE_PATHS


def test_every_probe_path_is_a_route_of_its_service():
    missing = [
        path
        for service, paths in web_probe_paths(build("small-town")).items()
        for path in paths
        if path not in {rule.rule for rule in app_of(service).url_map.iter_rules()}
    ]
    assert not missing, f"probe paths that are no route (yet): {sorted(missing)}"
