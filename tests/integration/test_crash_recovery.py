"""Nothing lost, nothing twice: workers, producers and relays killed at the worst moments."""

import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from deploy.local.harness import REPO_ROOT, wait_until
from services.notifications.models import Delivery
from services.recruitment.models import OutboxMessage
from tests.support.flows import bearer, draft, organisation_with_token

pytestmark = pytest.mark.integration

VACANCIES = 200


def delivery_statuses(stack) -> dict:
    with stack.kit("notifications").db.reader() as session:
        return dict(session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())


def test_notifications_worker_killed_mid_stream_loses_nothing_and_repeats_at_most_the_one_in_flight(stack):
    stack.start_relay("recruitment")
    worker = stack.start_worker("notifications")  # one process: one message in flight
    client, _, token = organisation_with_token(stack.app("recruitment"))
    drafts = [draft(client, token, f"Vacature {n:03d}")["id"] for n in range(VACANCIES)]
    for vacancy_id in drafts:
        client.post(f"/api/recruitment/vacancies/{vacancy_id}/submit", headers=bearer(token))

    wait_until(lambda: len(stack.sink.mails) >= 40, 60, message="the first 40 e-mails")
    worker.kill()  # SIGKILL, mid-stream: no acknowledgement, no clean-up
    accepted_at_kill = len(stack.sink.mails)
    assert accepted_at_kill < VACANCIES, "the kill came too late to test anything"
    stack.start_worker("notifications")

    def all_subjects() -> bool:
        return len({mail.message["Subject"] for mail in stack.sink.mails}) >= VACANCIES

    try:
        wait_until(all_subjects, 120, message="all e-mails after restart")
    except AssertionError as exc:
        raise AssertionError(
            f"{exc}: {len(stack.sink.mails)} accepted (killed at {accepted_at_kill}), "
            f"deliveries {delivery_statuses(stack)}"
        ) from None
    time.sleep(8)  # longer than the visibility timeout: a late duplicate would show up now

    by_subject = Counter(mail.message["Subject"] for mail in stack.sink.mails)
    ids_by_subject = {subject: set() for subject in by_subject}
    for mail in stack.sink.mails:
        ids_by_subject[mail.message["Subject"]].add(mail.message["Message-ID"])
    repeated = [subject for subject, count in by_subject.items() if count > 1]
    # RFC 5321 §6.1: only the message whose acceptance was not yet recorded may go out again, and
    # then with its own Message-ID, so the recipient's mail system recognises the repeat.
    assert len(by_subject) == VACANCIES
    assert len(stack.sink.mails) <= VACANCIES + 1, f"repeated: {repeated}"
    assert all(len(ids) == 1 for ids in ids_by_subject.values())
    assert delivery_statuses(stack) == {"sent": VACANCIES}


def test_producer_killed_between_commit_and_wakeup_is_delivered_by_the_sweep(stack):
    """The producer's ring dies with it; the relay's sweep sends the event."""
    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    _, _, token = organisation_with_token(stack.app("recruitment"))
    time.sleep(1)  # let the relay's start-up sweep pass: only its periodic sweep may save us
    producer = subprocess.run(
        [sys.executable, "-m", "tests.support.die_after_commit", token, "Gered door de sweep"],
        env=stack.env,
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=60,
    )
    assert producer.returncode == -signal.SIGKILL, producer.stdout + producer.stderr

    [mail] = wait_until(lambda: stack.sink.summaries(), 30, message="the swept event's e-mail")
    assert mail["subject"].endswith("Gered door de sweep")


def test_events_committed_while_the_relay_was_down_are_sent_when_it_returns(stack):
    stack.start_worker("notifications")
    client, _, token = organisation_with_token(stack.app("recruitment"))
    for n in range(3):
        vacancy = draft(client, token, f"Tijdens storing {n}")
        client.post(f"/api/recruitment/vacancies/{vacancy['id']}/submit", headers=bearer(token))
    time.sleep(1)
    assert stack.sink.mails == []
    stack.start_relay("recruitment")
    wait_until(lambda: len(stack.sink.mails) == 3, 30, message="three e-mails")
    with stack.kit("recruitment").db.reader() as session:
        unsent = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        )
    assert unsent == 0


def test_replaying_the_outbox_after_redis_lost_its_data_resends_nothing_twice(stack, redis_server):
    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    client, _, token = organisation_with_token(stack.app("recruitment"))
    vacancy = draft(client, token, "Na herstel")
    client.post(f"/api/recruitment/vacancies/{vacancy['id']}/submit", headers=bearer(token))
    wait_until(lambda: stack.sink.mails, 30, message="the e-mail")

    from datetime import UTC, datetime, timedelta

    replayed = stack.kit("recruitment").relay().replay_since(datetime.now(UTC) - timedelta(hours=1))
    assert replayed >= 1
    wait_until(lambda: delivery_statuses(stack) and _all_sent(stack), 30, message="replay")
    time.sleep(2)
    assert len(stack.sink.mails) == 1


def _all_sent(stack) -> bool:
    with stack.kit("recruitment").db.reader() as session:
        return not session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        )


# What deploy/ runs with: the figures the README gives for recovery come from this test.
PRODUCTION_TIMING = {
    "KNOOP_SMTP_TIMEOUT": "10",
    "KNOOP_DELIVERY_LEASE_SECONDS": "15",
    "KNOOP_DELIVERY_SWEEP_SECONDS": "5",
    "KNOOP_CONSUMER_HEARTBEAT_SECONDS": "10",
    "KNOOP_UNACKED_RESTORE_SECONDS": "2",
    "KNOOP_VISIBILITY_TIMEOUT": "3600",
}


def test_the_message_in_flight_of_a_killed_worker_is_sent_again_within_seconds(stack, redis_server):
    """With deploy/'s timing: the killed worker's task and its message in flight come back long
    before the visibility timeout (an hour) and well within 30 s."""
    stack.settings.update(PRODUCTION_TIMING)
    stack.sink.slow["humanitas@example.org"] = 60  # the server keeps the sender waiting
    stack.start_relay("recruitment")
    worker = stack.start_worker("notifications")
    client, _, token = organisation_with_token(stack.app("recruitment"))
    draft_id = draft(client, token, "Tijdens de crash")["id"]
    client.post(f"/api/recruitment/vacancies/{draft_id}/submit", headers=bearer(token))
    wait_until(lambda: delivery_statuses(stack) == {"sending": 1}, 30, message="the message in flight")
    time.sleep(1)  # the sender is waiting for the server's reply

    worker.kill()
    killed = time.monotonic()
    stack.sink.slow.clear()
    stack.start_worker("notifications")
    broker = redis_server.client()
    wait_until(lambda: broker.hlen("unacked") == 0, 30, interval=0.1, message="the killed task back")
    task_back = time.monotonic() - killed
    wait_until(lambda: stack.sink.mails, 30, interval=0.1, message="the message in flight sent again")
    mail_back = time.monotonic() - killed
    print(f"\nafter SIGKILL: task back in {task_back:.1f} s, message in flight sent in {mail_back:.1f} s")
    assert mail_back < 25
    time.sleep(2)
    assert len(stack.sink.mails) == 1 and delivery_statuses(stack) == {"sent": 1}


def test_a_slow_sender_that_lives_keeps_its_message_however_long_the_server_takes(stack):
    """Sending takes longer than the lease (the server holds each reply 7 s); the lease is renewed
    while the sender works, so the other worker's sweeps never send the message a second time."""
    stack.settings.update({"KNOOP_SMTP_TIMEOUT": "8", "KNOOP_DELIVERY_LEASE_SECONDS": "12"})
    stack.sink.slow["humanitas@example.org"] = 7  # at RCPT and again after DATA: 14 s > 12 s
    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    stack.start_worker("notifications", beat=False)  # a second, idle worker, ready to sweep
    client, _, token = organisation_with_token(stack.app("recruitment"))
    draft_id = draft(client, token, "Geduld")["id"]
    client.post(f"/api/recruitment/vacancies/{draft_id}/submit", headers=bearer(token))

    wait_until(lambda: delivery_statuses(stack) == {"sent": 1}, 40, message="the slow e-mail sent")
    time.sleep(3)  # a second sender would have sent by now
    assert len(stack.sink.mails) == 1
    with stack.kit("notifications").db.reader() as session:
        [delivery] = session.scalars(select(Delivery))
    assert delivery.status == "sent" and delivery.claims == 1 and delivery.attempts == 1
