"""The deployment checks refuse what does not exist, so a green Compose or Kubernetes test means something."""

import pytest

from tests.support.deploy_checks import (
    assert_command_runs_knoop,
    assert_env_names_read,
    assert_routes_exist,
    gunicorn_port,
)


@pytest.mark.parametrize(
    "command",
    [
        "celery -A services.recruitment.worker worker -Q appreciation",  # another service's queue
        "celery -A services.recruitment.worker worker --concurency 2",  # a misspelt option
        "celery -A services.recruitment.worker beet",
        "celery -A services.recruitment.wrker worker",
        "flask --app services.recruitment db-upgrad",
        "flask --app services.notifications relay --bogus",
        "gunicorn --bind 0.0.0.0:8000 services.appreciation.wsgi:ap",
        "gunicorn --wokers 2 services.appreciation.wsgi:app",
        "python -m deploy.healthchek",
        'sh -c "flask --app services.recruitment db-upgrade && flask --app services.nothing db-upgrade"',
        "redis-server",
    ],
)
def test_a_command_that_does_not_exist_is_refused(command):
    with pytest.raises(AssertionError):
        assert_command_runs_knoop(command)


@pytest.mark.parametrize(
    "command",
    [
        ["celery", "--app=services.notifications.worker", "worker", "-Q", "notifications", "-c", "4"],
        "celery -A services.recruitment.worker beat --loglevel INFO",
        "flask --app services.appreciation outbox-replay --since 2026-11-01T00:00:00Z",
        "gunicorn --bind 127.0.0.1:8000 --workers 5 'deploy.local.gateway:create_gateway()'",
        ["python", "-m", "deploy.healthcheck"],
    ],
)
def test_knoops_own_commands_pass(command):
    assert_command_runs_knoop(command)


def test_a_setting_no_config_module_reads_is_refused_unless_the_deployment_uses_it_itself():
    assert_env_names_read(
        ["KNOOP_REDIS_URL", "NOTIFICATIONS_DATABASE_URL", "KNOOP_SMTP_HOST", "KNOOP_VAR_DIR"]
    )
    with pytest.raises(AssertionError, match="KNOOP_REDIS_PASSWORD"):
        assert_env_names_read(["KNOOP_REDIS_URL", "KNOOP_REDIS_PASSWORD"])
    assert_env_names_read(["REDIS_PASSWORD"], also=["REDIS_PASSWORD"])


def test_a_probe_path_must_be_a_route_of_the_service_the_proxy_sends_it_to():
    assert_routes_exist(["/api/appreciation/livez", "/api/notifications/readyz", "/"])
    with pytest.raises(AssertionError, match="appreciation"):
        assert_routes_exist(["/api/appreciation/healthy"])


def test_the_port_is_read_from_gunicorns_bind():
    assert gunicorn_port("gunicorn --bind 0.0.0.0:8123 services.recruitment.wsgi:app") == 8123
    assert gunicorn_port(["gunicorn", "-b", "[::]:9000", "services.recruitment.wsgi:app"]) == 9000
