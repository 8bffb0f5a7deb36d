"""Mail server trouble and broken messages: retried when temporary, recorded when permanent."""

import time
import uuid

import pytest
from sqlalchemy import select

from deploy.local.harness import wait_until
from services.notifications.models import DeadLetter, Delivery
from services.notifications.samples import SAMPLES
from shared import contracts
from tests.support.flows import draft, organisation_with_token, publish

pytestmark = pytest.mark.integration


def deliveries(stack) -> list[Delivery]:
    with stack.kit("notifications").db.reader() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def test_mail_server_down_delays_the_message_and_it_arrives_once(stack):
    stack.sink.stop()
    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    client, _, token = organisation_with_token(stack.app("recruitment"))
    publish(client, token, draft(client, token, "Tijdens de storing")["id"])
    wait_until(lambda: any(d.error for d in deliveries(stack)), 30, message="a failed attempt")
    [pending] = deliveries(stack)
    assert pending.status in ("pending", "sending") and "mail server" in pending.error  # retrying

    stack.sink.start()
    wait_until(lambda: stack.sink.mails, 60, message="the e-mail after the outage")
    time.sleep(3)
    assert len(stack.sink.mails) == 1
    [sent] = deliveries(stack)
    assert sent.status == "sent" and sent.attempts >= 2 and sent.error == ""


def test_permanent_rejection_is_not_retried_and_shows_its_reason(stack):
    stack.sink.reject.add("humanitas@example.org")
    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    client, _, token = organisation_with_token(stack.app("recruitment"))
    publish(client, token, draft(client, token)["id"])
    wait_until(
        lambda: deliveries(stack) and deliveries(stack)[0].status == "failed",
        30,
        message="the delivery to fail",
    )
    time.sleep(4)  # a retry would have happened by now
    [failed] = deliveries(stack)
    assert failed.attempts == 1 and failed.error.startswith("550")
    assert stack.sink.mails == []


def test_an_event_that_breaks_its_contract_becomes_a_dead_letter_and_can_be_replayed(stack):
    stack.start_worker("notifications")
    broken = contracts.envelope(
        str(uuid.uuid4()), "recruitment.vacancy_published.v1", "recruitment", None, {"vacancy_id": "v1"}
    )
    celery = stack.app("recruitment").extensions["celery"]
    celery.send_task("notifications.handle_event", args=[broken], queue="notifications")

    def letters():
        with stack.kit("notifications").db.reader() as session:
            return list(session.scalars(select(DeadLetter)))

    [letter] = wait_until(letters, 30, message="the dead letter")
    assert letter.task_name == "notifications.handle_event" and letter.retries == 0
    assert letter.error.startswith("ContractViolation") and "title" in letter.error

    runner = stack.app("notifications").test_cli_runner()
    listing = runner.invoke(args=["dead-letters"])
    assert "notifications.handle_event" in listing.output
    assert "replayed" in runner.invoke(args=["dead-letters", "--replay", str(letter.id)]).output
    wait_until(lambda: len(letters()) == 2, 30, message="the replayed task to fail again")


def test_two_publishers_sharing_one_address_get_one_message_and_a_broken_address_blocks_nobody(stack):
    from tests.support.recruitment import network_with_members

    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    net = network_with_members(stack.app("recruitment"))
    shared_inbox = {"contact_email": "humanitas@enkhuizen.example.org"}
    from tests.support.flows import bearer

    net.client.patch(
        f"/api/recruitment/organisations/{net.id('Zonnebloem')}",
        headers=bearer(net.coordinator),
        json=shared_inbox,
    )
    vacancy = net.publish("Humanitas", co_publishers=("Zonnebloem",))
    stack.sink.reject.add("weg@example.org")
    for email in ("weg@example.org", "anné@exämple.org", "sanne@example.org"):
        net.client.post(
            f"/api/recruitment/vacancies/{vacancy['id']}/responses",
            json={"name": "Sanne", "email": email, "consent": True},
        )
    wait_until(
        lambda: any(m["to"] == ["sanne@example.org"] for m in stack.sink.summaries()),
        30,
        message="the second volunteer's confirmation",
    )
    time.sleep(1)
    to_humanitas = [
        m
        for m in stack.sink.summaries()
        if m["to"] == ["humanitas@enkhuizen.example.org"] and m["subject"].startswith("Nieuwe reactie")
    ]
    assert len(to_humanitas) == 3  # one per response, not one per publisher sharing the address
    failed = [d for d in deliveries(stack) if d.status == "failed"]
    assert [d.recipient for d in failed] == ["weg@example.org"] and failed[0].error.startswith("550")
    # An international address (RFC 6531) travels with SMTPUTF8, which the sink offers.
    assert any(m["to"] == ["anné@exämple.org"] for m in stack.sink.summaries())


def test_the_mail_server_away_for_30_seconds_in_the_middle_of_1000_deliveries_loses_and_doubles_nothing(
    stack,
):
    """Issue 7's outage: 1,000 messages, the SMTP sink stopped for 30 s after the first 200 were
    accepted, then started again; afterwards every message was accepted exactly once."""
    import uuid

    from shared import contracts

    stack.start_worker("notifications")
    celery = stack.app("recruitment").extensions["celery"]
    sample = SAMPLES["recruitment.vacancy_published.v1"]
    for n in range(1000):
        data = {**sample, "title": f"Vacature {n:04d}", "contact_email": f"org{n:04d}@example.org"}
        message = contracts.envelope(
            str(uuid.uuid4()),
            "recruitment.vacancy_published.v1",
            "recruitment",
            "n1",
            contracts.build("recruitment.vacancy_published.v1", data),
        )
        celery.send_task("notifications.handle_event", args=[message], queue="notifications")
    wait_until(lambda: len(stack.sink.mails) >= 200, 120, message="the first 200 e-mails")
    stack.sink.stop()
    time.sleep(30)
    stack.sink.start()
    wait_until(lambda: len(stack.sink.mails) >= 1000, 240, interval=0.5, message="all 1,000 e-mails")
    time.sleep(8)  # longer than the visibility timeout: a double would show up now
    recipients = [m.recipients[0] for m in stack.sink.mails]
    assert len(recipients) == 1000 and len(set(recipients)) == 1000
    statuses = {d.status for d in deliveries(stack)}
    assert statuses == {"sent"}
