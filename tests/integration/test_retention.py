"""Retention by beat (docs/privacy.md): each rule against a real database, with a clock: a record
just past its period goes (anonymised, or deleted where nothing counts it), one just inside stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from shared.db import Database

pytestmark = pytest.mark.integration

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
YEAR = timedelta(days=365)


def past(period: timedelta) -> datetime:
    return NOW - period - MINUTE


def inside(period: timedelta) -> datetime:
    return NOW - period + MINUTE


# --- appreciation ---------------------------------------------------------------------------------


def test_redemption_attempts_and_till_answers_go_after_90_days(backend):
    from services.appreciation.models import IdempotentResponse, RedemptionAttempt
    from services.appreciation.usecases import retention

    db = Database(backend.fresh("appreciation"))
    days90 = timedelta(days=90)
    with db.transaction() as session:
        for client, at in (("192.0.2.1", past(days90)), ("192.0.2.2", inside(days90))):
            session.add(RedemptionAttempt(network_id="n1", client=client, how="number", outcome="ok", at=at))
            session.add(
                IdempotentResponse(
                    partner_id="p1",
                    key=client,
                    request_hash="h",
                    status=201,
                    body={"first_name": "Sanne"},
                    created_at=at,
                )
            )

    assert retention.apply(db, NOW, 90) == {"redemption attempts": 1, "till answers": 1}

    with db.reader() as session:
        assert list(session.scalars(select(RedemptionAttempt.client))) == ["192.0.2.2"]
        assert list(session.scalars(select(IdempotentResponse.key))) == ["192.0.2.2"]


# --- beat -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["appreciation"])
def test_beat_runs_each_services_retention_daily(service, sqlite_provider):
    import importlib

    app = importlib.import_module(f"services.{service}").create_app(
        {"profile": "test", "database_url": sqlite_provider.fresh(service)}
    )
    celery = app.extensions["celery"]
    entry = celery.conf.beat_schedule[f"{service}-apply-retention"]
    assert entry["task"] == f"{service}.apply_retention" and entry["task"] in celery.tasks
    assert (entry["schedule"], entry["options"]["queue"]) == (24 * 3600, service)
