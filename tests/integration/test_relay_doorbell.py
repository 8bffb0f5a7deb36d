"""The relay's doorbell: a committing process rings it through Redis, at most every
RING_GAP_SECONDS, and a rung relay keeps looking for LINGER_SECONDS, so every committed event is
sent at once, long before the relay's periodic sweep, whether its process rang for it or not."""

import threading
import time
import uuid
from contextlib import contextmanager

import pytest
import redis
from sqlalchemy import text

from shared.db import Database
from shared.messaging import relay as relay_module
from shared.messaging.relay import OutboxRelay, RelayWakeup
from tests.support.databases import SERVICES
from tests.support.flows import bearer, draft, organisation_with_token

pytestmark = pytest.mark.integration

SWEEP_SECONDS = 60.0  # so anything sent within a second or two was found by ring or lingering


def _write_event(db: Database) -> None:
    """An event committed straight to the outbox: nobody rings for it."""
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO outbox (event_id, type, network_id, message, created_at) VALUES "
                "(:event_id, 'test.unrung.v1', NULL, '{\"type\": \"test.unrung.v1\"}', CURRENT_TIMESTAMP)"
            ),
            {"event_id": str(uuid.uuid4())},
        )


@contextmanager
def running_relay(kit):
    sent: list[tuple[float, str]] = []
    relay = OutboxRelay(kit.db, kit.tables.outbox, lambda m: sent.append((time.monotonic(), m["type"])))
    stop = threading.Event()
    relaying = threading.Thread(
        target=relay.run, args=(kit.wakeup(), SWEEP_SECONDS, stop.is_set), daemon=True
    )
    relaying.start()
    try:
        time.sleep(0.5)  # past the relay's first sweep and its lingering
        sent.clear()
        yield sent
    finally:
        stop.set()
        RelayWakeup(kit.settings.redis_url, kit.settings.service, gap=0).ring()  # let it see the stop
        relaying.join(5)


def _sent_within(sent: list, count: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while len(sent) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return len(sent) >= count


def test_a_process_rings_at_most_once_per_gap_and_the_bell_holds_one_ring(redis_url):
    bell = RelayWakeup(redis_url, "recruitment")
    relay_side = RelayWakeup(redis_url, "recruitment")
    bell.ring()
    assert relay_side.wait(1)
    bell.ring()  # within the gap: the relay it woke is still looking
    assert not relay_side.wait(0.2)
    time.sleep(relay_module.RING_GAP_SECONDS)
    bell.ring()
    assert relay_side.wait(1)

    # A relay that keeps looking does not empty the list: rings must not pile up meanwhile.
    every_time = RelayWakeup(redis_url, "recruitment", gap=0)
    for _ in range(50):
        every_time.ring()
    time.sleep(0.1)  # the rings are written without waiting for Redis
    assert redis.Redis.from_url(redis_url).llen(bell.key) == 1


def test_a_committed_event_wakes_the_running_relay_long_before_its_sweep(stack):
    """Through the app, on each backend: the request rings the relay after its commit."""
    kit = stack.kit("recruitment")
    client, _, token = organisation_with_token(stack.app("recruitment"))
    with running_relay(kit) as sent:
        vacancy = draft(client, token, "Gewekt")
        submitted_at = time.monotonic()
        client.post(f"/api/recruitment/vacancies/{vacancy['id']}/submit", headers=bearer(token))
        assert _sent_within(sent, 1, 2), "the relay was not woken"
        assert sent[0][0] - submitted_at < 2


def test_events_nobody_rang_for_are_sent_while_a_rung_relay_lingers_and_not_after(stack):
    kit = stack.kit("recruitment")
    with running_relay(kit) as sent:
        RelayWakeup(kit.settings.redis_url, "recruitment", gap=0).ring()
        time.sleep(0.05)
        for _ in range(3):  # as a process does within its gap: commits without ringing
            _write_event(kit.db)
            time.sleep(relay_module.RING_GAP_SECONDS / 3)
        assert _sent_within(sent, 3, 1), "the rung relay stopped looking too soon"

        time.sleep(relay_module.LINGER_SECONDS + 0.2)  # lingering is over: the relay waits for a ring
        _write_event(kit.db)
        assert not _sent_within(sent, 4, 1), "the relay looks without being rung: the test shows nothing"
        RelayWakeup(kit.settings.redis_url, "recruitment", gap=0).ring()
        assert _sent_within(sent, 4, 1)


@pytest.mark.parametrize("service", SERVICES)
def test_no_outbox_notifies_on_postgresql(postgres, service):
    """NOTIFY holds a database-wide lock through the commit (shared/messaging/pg_wakeup.py)."""
    db = Database(postgres.fresh(service))
    try:
        with db.engine.connect() as connection:
            triggers = connection.execute(
                text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'outbox'::regclass AND NOT tgisinternal")
            ).scalars()
            assert list(triggers) == []
    finally:
        db.dispose()
