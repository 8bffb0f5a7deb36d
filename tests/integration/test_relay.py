"""The outbox relay: several at once, retention, its wake-up, and the operator's CLI."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import redis
from sqlalchemy import func, select, update

from deploy.local.harness import wait_until
from services.recruitment.models import Network, OutboxMessage
from shared.messaging.relay import RelayWakeup
from tests.support.flows import bearer, draft, organisation_with_token

pytestmark = pytest.mark.integration


def test_two_relays_at_once_still_give_one_email_per_event(stack):
    stack.start_worker("notifications")
    client, _, token = organisation_with_token(stack.app("recruitment"))
    drafts = [draft(client, token, f"Twee relays {n:02d}")["id"] for n in range(40)]
    stack.start_relay("recruitment")
    stack.start_relay("recruitment")
    for vacancy_id in drafts:
        client.post(f"/api/recruitment/vacancies/{vacancy_id}/submit", headers=bearer(token))
    wait_until(lambda: len(stack.sink.mails) >= 40, 60, message="40 e-mails")
    import time

    time.sleep(2)
    subjects = [m.message["Subject"] for m in stack.sink.mails]
    assert len(subjects) == 40 == len(set(subjects))


def test_prune_forgets_only_sent_rows_older_than_the_retention(stack):
    app = stack.app("recruitment")
    organisation_with_token(app)
    kit = stack.kit("recruitment")
    relay = kit.relay()
    with kit.db.transaction() as session:
        first = session.scalar(select(func.min(OutboxMessage.id)))
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == first)
            .values(sent_at=datetime.now(UTC) - timedelta(days=40))
        )
    assert relay.prune(timedelta(days=30)) == 1
    with kit.db.reader() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
            )
            >= 1
        )  # unsent rows are never pruned


def test_coordinator_and_organisation_can_be_created_from_the_cli(stack):
    app = stack.app("recruitment")
    runner = app.test_cli_runner()
    created = runner.invoke(args=["create-network", "Netwerk Haarlem", "--slug", "haarlem"])
    assert created.exit_code == 0 and "coordinator token: knp_" in created.output
    admitted = runner.invoke(
        args=[
            "admit-organisation",
            "--network",
            "haarlem",
            "--name",
            "Humanitas",
            "--contact-name",
            "Anne",
            "--contact-email",
            "a@example.org",
        ]
    )
    assert admitted.exit_code == 0 and "token: knp_" in admitted.output
    token = admitted.output.strip().rsplit(" ", 1)[-1]
    response = app.test_client().post(
        "/api/recruitment/vacancies", headers=bearer(token), json={"title": "Via de CLI"}
    )
    assert response.status_code == 201
    with stack.kit("recruitment").db.reader() as session:
        assert session.scalar(select(Network.name)) == "Netwerk Haarlem"


def test_a_ring_reaches_the_relay_and_a_closed_connection_loses_at_most_one(redis_url):
    """Rings are written without waiting for Redis's answer; after Redis drops the connection the
    next rings get through again (a lost ring only delays an event until the relay's sweep).
    Without the gap between rings (see test_relay_doorbell), so every ring is written."""
    bell = RelayWakeup(redis_url, "recruitment", gap=0)
    relay_side = RelayWakeup(redis_url, "recruitment")
    bell.ring()
    started = time.monotonic()
    relay_side.wait(5)
    assert time.monotonic() - started < 1, "the ring did not wake the relay"

    redis.Redis.from_url(redis_url).client_kill_filter(_type="normal", skipme=True)
    for _ in range(2):
        bell.ring()
    started = time.monotonic()
    relay_side.wait(5)
    assert time.monotonic() - started < 1, "no ring got through after the connection was closed"

    for _ in range(100):
        bell.ring()
    _, connection, _ = bell._bell()
    assert not connection.can_read(timeout=0.2), "Redis answers the reconnected bell: nobody reads it"


def test_an_access_requests_answer_is_forgotten_hours_after_it_was_sent(stack):
    """It holds all the service knows of a person; recruitment keeps its own copy for the download."""
    from services.appreciation.models import OutboxMessage as AppreciationOutbox
    from services.appreciation.usecases.common import outbox
    from shared.contracts.privacy import ACCESS_ANSWERS

    kit = stack.kit("appreciation")
    answer = {"request_id": "r1", "records": {"pass_holder": [{"email": "zwaantje.p@example.org"}]}}
    with kit.db.transaction() as session:
        for hours_ago in (7, 5):
            outbox.add(session, "appreciation.personal_data_collected.v1", "n1", answer)
            session.flush()
            session.execute(
                update(AppreciationOutbox)
                .where(AppreciationOutbox.sent_at.is_(None))
                .values(sent_at=datetime.now(UTC) - timedelta(hours=hours_ago))
            )
    assert kit.relay().prune(timedelta(days=30), ACCESS_ANSWERS, timedelta(hours=6)) == 1
    with kit.db.reader() as session:
        assert session.scalar(select(func.count()).select_from(AppreciationOutbox)) == 1
