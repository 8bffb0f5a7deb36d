"""A mail outage postpones each delivery with its own back-off: it does not multiply work, it counts
only real attempts, and it leaves no dead letter for mail that was delivered afterwards."""

import time
import uuid

import pytest
from sqlalchemy import select

from deploy.local.harness import wait_until
from services.notifications.models import Delivery
from services.notifications.samples import SAMPLES
from shared import contracts
from tests.support.mail import RefusingServer

pytestmark = pytest.mark.integration

MESSAGES = 200
OUTAGE_SECONDS = 20
FIRST_STEP, MOST_STEP = 1, 8  # the stack's KNOOP_DELIVERY_RETRY_SECONDS and _MAX_SECONDS


def steps_that_fit(outage: float) -> int:
    """How many back-off steps can fall within the outage at most (each at its shortest jitter)."""
    elapsed, steps = 0.0, 0
    while elapsed + 0.8 * min(MOST_STEP, FIRST_STEP * 2**steps) <= outage:
        elapsed += 0.8 * min(MOST_STEP, FIRST_STEP * 2**steps)
        steps += 1
    return steps


def send_events(stack, count: int) -> None:
    celery = stack.app("recruitment").extensions["celery"]
    sample = SAMPLES["recruitment.vacancy_published.v1"]
    for n in range(count):
        data = {**sample, "title": f"Vacature {n:04d}", "contact_email": f"org{n:04d}@example.org"}
        event_type = "recruitment.vacancy_published.v1"
        message = contracts.envelope(
            str(uuid.uuid4()), event_type, "recruitment", "n1", contracts.build(event_type, data)
        )
        celery.send_task("notifications.handle_event", args=[message], queue="notifications")


def deliveries(stack) -> list[Delivery]:
    with stack.kit("notifications").db.reader() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def test_an_outage_costs_one_claim_per_back_off_step_at_most_and_buries_nothing(stack):
    stack.sink.stop()
    down = RefusingServer(stack.sink.port)  # up, but answering 421 to everyone
    down.start()
    stack.start_worker("notifications")
    send_events(stack, MESSAGES)
    wait_until(lambda: len(deliveries(stack)) == MESSAGES, 60, message="every delivery recorded")
    time.sleep(OUTAGE_SECONDS)
    down.stop()
    stack.sink.start()
    back = time.monotonic()
    wait_until(lambda: len(stack.sink.mails) >= MESSAGES, 60, interval=0.2, message="every e-mail")
    drained_in = time.monotonic() - back
    time.sleep(2)  # a late double would show up now

    rows = deliveries(stack)
    claims = [d.claims for d in rows]
    print(
        f"\noutage {OUTAGE_SECONDS} s, {MESSAGES} messages: {sum(claims)} claims "
        f"(at most {max(claims)} per message, {sum(claims) / MESSAGES:.2f} on average), "
        f"{down.connections} refused SMTP attempts, all sent {drained_in:.1f} s after the outage"
    )
    recipients = [m.recipients[0] for m in stack.sink.mails]
    assert len(recipients) == MESSAGES and len(set(recipients)) == MESSAGES
    assert {d.status for d in rows} == {"sent"}
    # The first try, one per back-off step that fits in the outage, and the one that succeeds.
    assert max(claims) <= 1 + steps_that_fit(OUTAGE_SECONDS) + 1, sorted(claims)[-10:]
    # `attempts` counts what reached the mail server: each refused connection and each success,
    # and at most one try that fell in the moment between the refusing server and the sink.
    assert 0 <= sum(d.attempts for d in rows) - (down.connections + MESSAGES) <= 1
    assert stack.kit("notifications").dead_letters.pending() == []


def test_a_recipient_refused_for_now_is_retried_with_back_off_and_blocks_nobody(stack):
    """A 4xx for one recipient (a full mailbox, greylisting) postpones that delivery alone, with its
    own back-off; the messages behind it go at once, and no dead letter is written."""
    stack.sink.deferred["org0000@example.org"] = 2
    stack.start_worker("notifications")
    send_events(stack, 3)
    wait_until(lambda: len(stack.sink.mails) == 2, 30, message="the two other e-mails")
    [busy] = [d for d in deliveries(stack) if d.recipient == "org0000@example.org"]
    assert busy.status == "pending" and busy.next_attempt_at is not None and busy.error.startswith("450")

    def sent_at_last():
        return [d for d in deliveries(stack) if d.recipient == "org0000@example.org" and d.status == "sent"]

    [busy] = wait_until(sent_at_last, 30, message="the postponed e-mail sent")
    assert busy.attempts == 3 and busy.claims == 3 and len(stack.sink.mails) == 3
    assert stack.kit("notifications").dead_letters.pending() == []
