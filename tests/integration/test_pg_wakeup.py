"""The relay's doorbell: on PostgreSQL the outbox trigger rings it at commit (LISTEN/NOTIFY), on
SQLite the committing process rings it through Redis. Either way a committed event wakes the relay
at once, long before its periodic sweep."""

import os
import threading
import time
import uuid

import psycopg
import pytest
from sqlalchemy import text

from shared.db import Database
from shared.messaging.pg_wakeup import PostgresWakeup
from shared.messaging.relay import OutboxRelay
from tests.support.databases import SERVICES
from tests.support.flows import bearer, draft, organisation_with_token

pytestmark = pytest.mark.integration

EVENT = text(
    "INSERT INTO outbox (event_id, type, network_id, message, created_at) "
    "SELECT :event_id, 'test.rung.v1', NULL, '{}', now() WHERE :write"
)


@pytest.fixture
def postgres(postgres_provider):
    if postgres_provider is None:
        if os.environ.get("KNOOP_REQUIRE_POSTGRES"):
            pytest.fail("KNOOP_REQUIRE_POSTGRES is set but KNOOP_TEST_POSTGRES_URL is not")
        pytest.skip("PostgreSQL not configured (set KNOOP_TEST_POSTGRES_URL; CI does)")
    return postgres_provider


def _write_event(db: Database, *, write: bool = True, commit: bool = True) -> None:
    with db.engine.connect() as connection:
        connection.execute(EVENT, {"event_id": str(uuid.uuid4()), "write": write})
        if commit:
            connection.commit()
        else:
            connection.rollback()


@pytest.mark.parametrize("service", SERVICES)
def test_a_committed_event_rings_and_a_rolled_back_or_unwritten_one_does_not(postgres, service):
    db = Database(postgres.fresh(service))
    wakeup = PostgresWakeup(db.url, service)
    try:
        assert wakeup.wait(5), "listening anew must send the relay sweeping"
        _write_event(db, commit=False)
        _write_event(db, write=False)  # an INSERT … SELECT that wrote no row (a slot already taken)
        assert not wakeup.wait(0.3)

        for _ in range(3):
            _write_event(db)
        started = time.monotonic()
        assert wakeup.wait(5)
        assert time.monotonic() - started < 1
        assert not wakeup.wait(0.3), "rings already there count as one"
    finally:
        wakeup.close()
        db.dispose()


def test_a_lost_listening_connection_is_raised_and_the_next_wait_listens_anew(postgres):
    db = Database(postgres.fresh("recruitment"))
    wakeup = PostgresWakeup(db.url, "recruitment")
    try:
        wakeup.wait(5)
        with db.engine.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'")
            )
        with pytest.raises(psycopg.OperationalError):
            wakeup.wait(5)
        assert wakeup.wait(5), "reconnected: sweep for what came meanwhile"
        _write_event(db)
        assert wakeup.wait(5)
    finally:
        wakeup.close()
        db.dispose()


def test_a_committed_event_wakes_the_running_relay_long_before_its_sweep(stack):
    """Through the app, on each backend: the relay sweeps only every 60 s here, so an event sent
    within two seconds was rung for (by PostgreSQL's trigger, or by the request through Redis)."""
    kit = stack.kit("recruitment")
    client, _, token = organisation_with_token(stack.app("recruitment"))
    sent: list[tuple[float, str]] = []
    relay = OutboxRelay(kit.db, kit.tables.outbox, lambda m: sent.append((time.monotonic(), m["type"])))
    stop = threading.Event()
    relaying = threading.Thread(target=relay.run, args=(kit.wakeup(), 60.0, stop.is_set), daemon=True)
    relaying.start()
    try:
        time.sleep(0.5)  # past the relay's first sweep
        sent.clear()
        vacancy = draft(client, token, "Gewekt")
        submitted_at = time.monotonic()
        client.post(f"/api/recruitment/vacancies/{vacancy['id']}/submit", headers=bearer(token))
        deadline = submitted_at + 2
        while not sent and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sent, "the relay was not woken"
        assert sent[0][0] - submitted_at < 2
    finally:
        stop.set()
        kit.wakeup().ring()  # let the loop see the stop
        relaying.join(5)
