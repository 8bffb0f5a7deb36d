"""Compose starts as written: every command, setting, port and path it names exists in the code, the
apps wait for the migration, and no password is written into it."""

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from deploy import healthcheck
from tests.support.deploy_checks import (
    assert_command_runs_knoop,
    assert_env_names_read,
    assert_routes_exist,
    gunicorn_port,
)

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE_TEXT = (DEPLOY / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)["services"]
KNOOP_IMAGE = "${KNOOP_IMAGE:-knoop:local}"
KNOOP = {name: s for name, s in COMPOSE.items() if s.get("image") == KNOOP_IMAGE}
APPS = {name: s for name, s in KNOOP.items() if name != "migrate" and "profiles" not in s}
WEB = {name: s for name, s in APPS.items() if name.endswith("-web")}
EXAMPLE = dict(
    line.split("=", 1)
    for line in (DEPLOY / "env.example").read_text().splitlines()
    if line and line[0] != "#"
)


def test_compose_runs_every_knoop_process_from_the_one_image():
    assert {"migrate", "mailsink"} <= set(KNOOP) and len(WEB) == 3 and len(APPS) == 12


@pytest.mark.parametrize("name", sorted(KNOOP))
def test_each_command_is_a_knoop_entry_point_with_options_its_program_accepts(name):
    assert_command_runs_knoop(KNOOP[name]["command"])
    test = KNOOP[name].get("healthcheck", {}).get("test")
    if test:
        assert test[0] == "CMD"
        assert_command_runs_knoop(test[1:])


def test_the_images_healthcheck_is_a_knoop_command():
    [command] = re.findall(r"^HEALTHCHECK .*CMD (\[.*\])$", (DEPLOY / "Dockerfile").read_text(), re.M)
    assert_command_runs_knoop(yaml.safe_load(command))


def test_every_setting_compose_and_the_example_give_is_read_by_knoop():
    given = set(EXAMPLE) | {key for s in KNOOP.values() for key in s.get("environment", {})}
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE_TEXT))  # Compose's own, not Knoop's
    assert_env_names_read(given, also=interpolated)
    assert {"POSTGRES_PASSWORD", "REDIS_PASSWORD"} <= interpolated


def test_the_examples_urls_name_compose_services_and_carry_the_passwords_compose_starts_them_with():
    redis = urlsplit(EXAMPLE["KNOOP_REDIS_URL"])
    assert (redis.hostname, redis.port, redis.password) == ("redis", 6379, EXAMPLE["REDIS_PASSWORD"])
    for service in ("RECRUITMENT", "APPRECIATION", "NOTIFICATIONS"):
        url = urlsplit(EXAMPLE[f"{service}_DATABASE_URL"])
        assert (url.hostname, url.port, url.password) == ("postgres", 5432, EXAMPLE["POSTGRES_PASSWORD"])
        assert url.username == COMPOSE["postgres"]["environment"]["POSTGRES_USER"]
        assert (
            f"CREATE DATABASE {url.path.strip('/')} ENCODING 'UTF8'"
            in (DEPLOY / "postgres-init.sql").read_text()
        )


@pytest.mark.parametrize("name", sorted(WEB))
def test_each_web_process_binds_the_port_the_proxy_and_the_healthcheck_connect_to(name):
    port = gunicorn_port(WEB[name]["command"])
    upstreams = dict(address.split(":") for address in _proxy_upstreams())
    assert int(upstreams[name]) == port == healthcheck.PORT


def test_the_proxy_sends_only_to_compose_services():
    assert {address.split(":")[0] for address in _proxy_upstreams()} == set(WEB)


def _proxy_upstreams() -> list[str]:
    """The web addresses Compose gives the proxy's template (NGINX_<SERVICE>_UPSTREAM)."""
    environment = COMPOSE["proxy"]["environment"]
    return [value for name, value in environment.items() if name.endswith("_UPSTREAM")]


def test_every_path_that_is_probed_is_a_route_of_its_service():
    """The image's healthcheck asks livez; deploy/check-images.sh waits for readyz through the proxy."""
    from deploy import check_stack

    named = set(re.findall(r"/api/[a-z]+/[a-z]+z\b", COMPOSE_TEXT))
    probed = {f"/api/{service}/livez" for service in healthcheck.SERVICES}
    probed |= {f"/api/{service}/readyz" for service in check_stack.SERVICES}
    assert (
        set(healthcheck.SERVICES) == set(check_stack.SERVICES) == {name.removesuffix("-web") for name in WEB}
    )
    assert_routes_exist(sorted(named | probed))


def test_the_apps_start_after_the_migration_has_run_and_come_back_when_they_stop():
    for name, service in APPS.items():
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
    assert COMPOSE["migrate"]["restart"] == "no" and "migrate" not in COMPOSE["migrate"]["depends_on"]
    for name, service in COMPOSE.items():
        if name != "migrate" and "profiles" not in service:
            assert service["restart"] == "unless-stopped", name
    assert all(
        condition == {"condition": "service_healthy"} for condition in COMPOSE["proxy"]["depends_on"].values()
    )


def test_no_password_is_written_into_compose_and_redis_runs_as_no_root_with_its_data_on_a_volume():
    assert COMPOSE["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    redis = COMPOSE["redis"]
    assert re.fullmatch(r"[1-9][0-9]*:[1-9][0-9]*", redis["user"])
    assert any(volume.endswith(":/data") for volume in redis["volumes"])
    script = redis["command"][-1]
    assert "requirepass" in script and "$$REDIS_PASSWORD" in script and "/data" in script
    assert "appendonly yes" in (DEPLOY / "redis.conf").read_text().splitlines()


def test_beats_keep_their_schedule_in_redis_not_in_a_file():
    for name in ("recruitment-beat", "appreciation-beat", "notifications-beat"):
        argv = shlex.split(COMPOSE[name]["command"])
        assert argv[3] == "beat" and not {"-s", "--schedule", "-S", "--scheduler"} & set(argv), name


def test_the_script_that_runs_compose_passes_shellcheck():
    """No container engine here: deploy/check-images.sh is checked by reading (make test installs it)."""
    import subprocess

    result = subprocess.run(["shellcheck", str(DEPLOY / "check-images.sh")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
