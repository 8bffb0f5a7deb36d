"""The first slice end to end: API → outbox → relay → Redis → Celery worker → SMTP sink."""

import time

import pytest
from sqlalchemy import select

from deploy.local.harness import wait_until
from services.notifications.models import Delivery, NetworkReplica
from tests.support.flows import admit, bearer, draft, organisation_with_token, publish

pytestmark = pytest.mark.integration


def test_published_vacancy_becomes_exactly_one_email_in_dutch_html_and_text(stack):
    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    client, _, token = organisation_with_token(stack.app("recruitment"))
    vacancy = draft(client, token, "Maatje voor een oudere buurtbewoner")
    publish(client, token, vacancy["id"])

    wait_until(lambda: stack.sink.mails, 30, message="the e-mail in the SMTP sink")
    time.sleep(1.5)  # anything sent twice would have arrived by now
    [mail] = stack.sink.summaries()
    assert mail["to"] == ["humanitas@example.org"]
    assert mail["subject"] == "Je vacature staat online: Maatje voor een oudere buurtbewoner"
    assert mail["language"] == "nl"
    assert "Beste Anne de Vries," in mail["text"]
    assert f"/vacatures/{vacancy['id']}" in mail["text"]
    assert "Bekijk de vacature" in mail["html"]


def test_organisation_that_reads_english_gets_the_english_message(stack):
    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    client, _, token = organisation_with_token(stack.app("recruitment"), language="en")
    publish(client, token, draft(client, token, "Odd-jobs volunteer")["id"])
    [mail] = wait_until(lambda: stack.sink.summaries(), 30, message="the e-mail")
    assert mail["subject"] == "Your vacancy is live: Odd-jobs volunteer"
    assert "Dear Anne de Vries," in mail["text"]


def test_html_mail_escapes_what_members_typed(stack):
    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    client, _, token = organisation_with_token(stack.app("recruitment"))
    publish(client, token, draft(client, token, "<script>alert(1)</script> maatje")["id"])
    [mail] = wait_until(lambda: stack.sink.summaries(), 30, message="the e-mail")
    assert "<script>" not in mail["html"] and "&lt;script&gt;" in mail["html"]


def test_a_token_issued_by_recruitment_works_in_appreciation_until_revoked(stack):
    stack.start_relay("recruitment")
    stack.start_worker("appreciation")
    recruitment = stack.app("recruitment")
    client, coordinator, _ = organisation_with_token(recruitment)
    appreciation = stack.app("appreciation").test_client()
    partner = {"name": "Theater De Drommedaris", "place": "Enkhuizen", "category": "theatre"}

    def admit_partner():
        return appreciation.post(
            "/api/appreciation/partners", json=partner, headers=bearer(coordinator)
        ).status_code

    assert wait_until(lambda: admit_partner() == 201, 30, message="the token to replicate")

    def partners():
        response = appreciation.get("/api/appreciation/partners?network=enkhuizen")
        return response.get_json() if response.status_code == 200 else None

    listed = wait_until(partners, 30, message="the network's replica in appreciation")
    assert [p["name"] for p in listed] == ["Theater De Drommedaris"]

    from services.recruitment.models import ApiToken
    from shared.api_tokens import hash_token

    with recruitment.extensions["knoop"].db.reader() as session:
        token_id = session.scalar(select(ApiToken.id).where(ApiToken.token_hash == hash_token(coordinator)))
    client.post(f"/api/recruitment/tokens/{token_id}/revoke", headers=bearer(coordinator))
    wait_until(lambda: admit_partner() == 401, 30, message="the revocation to replicate")


def test_member_organisations_are_replicated_into_appreciation(stack):
    stack.start_relay("recruitment")
    stack.start_worker("appreciation")
    client, coordinator, _ = organisation_with_token(stack.app("recruitment"))
    admit(client, coordinator, name="De Zonnebloem", email="z@example.org")
    from services.appreciation.models import OrganisationReplica

    def replicas():
        with stack.kit("appreciation").db.reader() as session:
            return sorted(session.scalars(select(OrganisationReplica.name)))

    assert wait_until(
        lambda: replicas() == ["De Zonnebloem", "Humanitas"], 30, message="organisations in appreciation"
    )


def test_messages_carry_the_networks_logo_and_colour(stack):
    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    client, coordinator, token = organisation_with_token(stack.app("recruitment"))
    settings = client.patch(
        "/api/recruitment/networks/mine",
        headers=bearer(coordinator),
        json={"logo_url": "https://example.org/logo.png", "brand_colour": "#c0392b"},
    )
    assert settings.status_code == 200 and settings.get_json()["brand_colour"] == "#c0392b"
    bad = client.patch(
        "/api/recruitment/networks/mine", headers=bearer(coordinator), json={"brand_colour": "red"}
    )
    assert bad.status_code == 422 and "brand_colour" in bad.get_json()["errors"]

    def branded_replicas():
        with stack.kit("notifications").db.reader() as session:
            return list(
                session.scalars(select(NetworkReplica).where(NetworkReplica.brand_colour == "#c0392b"))
            )

    # The mail is rendered with the branding notifications holds when it handles the vacancy event.
    wait_until(branded_replicas, 30, message="the network's branding in notifications")
    publish(client, token, draft(client, token)["id"])
    [mail] = wait_until(lambda: stack.sink.summaries(), 30, message="the branded e-mail")
    assert "#c0392b" in mail["html"] and "https://example.org/logo.png" in mail["html"]


def test_renamed_and_removed_members_are_replicated_into_appreciation(stack):
    stack.start_relay("recruitment")
    stack.start_worker("appreciation")
    client, coordinator, _ = organisation_with_token(stack.app("recruitment"))
    other = admit(client, coordinator, name="De Zonnebloem", email="z@example.org")["organisation"]["id"]
    members = client.get("/api/recruitment/organisations?network=enkhuizen").get_json()
    humanitas = next(m["id"] for m in members if m["name"] == "Humanitas")
    client.patch(
        f"/api/recruitment/organisations/{humanitas}",
        headers=bearer(coordinator),
        json={"name": "Humanitas Enkhuizen"},
    )
    client.delete(f"/api/recruitment/organisations/{other}", headers=bearer(coordinator))
    from services.appreciation.models import OrganisationReplica

    def replicas():
        with stack.kit("appreciation").db.reader() as session:
            return sorted(session.scalars(select(OrganisationReplica.name)))

    assert wait_until(lambda: replicas() == ["Humanitas Enkhuizen"], 30, message="rename and removal")


def test_the_same_event_handed_to_the_worker_twice_sends_one_email(stack):
    stack.start_worker("notifications")
    recruitment = stack.app("recruitment")
    client, _, token = organisation_with_token(recruitment)
    publish(client, token, draft(client, token)["id"])
    from services.recruitment.models import OutboxMessage

    with recruitment.extensions["knoop"].db.reader() as session:
        message = session.scalar(
            select(OutboxMessage.message).where(OutboxMessage.type == "recruitment.vacancy_published.v1")
        )
    celery = recruitment.extensions["celery"]
    for attempt in range(2):
        celery.send_task(
            "notifications.handle_event",
            args=[message],
            queue="notifications",
            task_id=f"redelivery-{attempt}",
        )
    wait_until(lambda: stack.sink.mails, 30, message="the e-mail")
    time.sleep(2)
    assert len(stack.sink.mails) == 1
    with stack.kit("notifications").db.reader() as session:
        deliveries = list(session.scalars(select(Delivery)))
    assert [(d.status, d.attempts) for d in deliveries] == [("sent", 1)]
