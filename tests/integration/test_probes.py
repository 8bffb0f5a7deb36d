"""Readiness says "not migrated" until the schema is at its head; liveness never asks the database."""

import pytest

from shared.migrations import upgrade
from tests.support.databases import SERVICES, migrations

pytestmark = pytest.mark.integration


def service_app(service: str, database_url: str, redis_url: str):
    from importlib import import_module

    overrides = {"profile": "test", "database_url": database_url, "redis_url": redis_url}
    return import_module(f"services.{service}").create_app({**overrides, "broker_url": redis_url})


@pytest.mark.parametrize("service", SERVICES)
def test_an_empty_database_is_not_ready_until_migrated_while_the_process_stays_alive(
    backend, redis_url, service
):
    url = backend.fresh_empty(service)
    client = service_app(service, url, redis_url).test_client()

    for probe in ("readyz", "healthz"):
        response = client.get(f"/api/{service}/{probe}")
        assert response.status_code == 503
        assert response.get_json()["reason"] == "not migrated"
        assert response.get_json()["checks"] == {"database": "ok", "redis": "ok", "schema": "not migrated"}
    assert client.get(f"/api/{service}/livez").status_code == 200

    upgrade(migrations(service), url)
    ready = client.get(f"/api/{service}/readyz")
    assert ready.status_code == 200 and "reason" not in ready.get_json()
    assert client.get(f"/api/{service}/livez").status_code == 200


def test_a_database_one_migration_behind_is_not_ready(backend, redis_url):
    """A new release's pods start before its migration ran: they must not take traffic yet."""
    from alembic import command

    from shared.migrations import alembic_config

    url = backend.fresh_empty("recruitment")
    command.upgrade(alembic_config(migrations("recruitment"), url), "head")
    command.downgrade(alembic_config(migrations("recruitment"), url), "-1")
    client = service_app("recruitment", url, redis_url).test_client()
    assert client.get("/api/recruitment/readyz").get_json()["reason"] == "not migrated"


def test_a_database_that_does_not_answer_makes_the_service_unready_but_not_dead(redis_url):
    unreachable = "postgresql+psycopg://knoop:knoop@127.0.0.1:1/appreciation?connect_timeout=1"
    client = service_app("appreciation", unreachable, redis_url).test_client()

    response = client.get("/api/appreciation/readyz")
    assert response.status_code == 503
    assert response.get_json()["reason"] == "database unreachable"
    assert client.get("/api/appreciation/livez").get_json() == {"service": "appreciation", "status": "alive"}


def test_redis_that_does_not_answer_keeps_the_service_ready_and_fails_its_health(databases):
    """A Redis restart must not take every web process out of the load balancer: pages work
    without it. Monitoring still sees it in healthz."""
    client = service_app("notifications", databases["notifications"], "redis://127.0.0.1:1/0").test_client()
    ready = client.get("/api/notifications/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"]["redis"].startswith("error")
    health = client.get("/api/notifications/healthz")
    assert health.status_code == 503 and health.get_json()["reason"] == "redis unreachable"
    assert client.get("/api/notifications/livez").status_code == 200


def test_a_release_rolled_back_runs_on_the_newer_schema_and_its_upgrade_changes_nothing(backend, redis_url):
    """The previous release's pods start on a database a newer release migrated: its db-upgrade
    leaves it as it is (no "Can't locate revision"), and it is ready."""
    from sqlalchemy import create_engine, text

    url = backend.fresh("appreciation")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_a_newer_release'"))
    engine.dispose()

    upgrade(migrations("appreciation"), url)  # raised CommandError before
    client = service_app("appreciation", url, redis_url).test_client()
    assert client.get("/api/appreciation/readyz").status_code == 200
