"""A person's access and erasure requests across the three services (issue 20's "Must show"): real
workers and relays, real SMTP sink, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from deploy.local.harness import wait_until
from services.appreciation.usecases import gatherings
from services.appreciation.usecases.redemptions import figures as redemption_figures
from services.recruitment.models import OutboxMessage, PrivacyRequest, PrivacyRequestPart
from services.recruitment.usecases import privacy_requests, responses, students
from shared.identity import Principal, Role
from tests.support.flows import bearer
from tests.support.mail import mail_to, path_in
from tests.support.placements import csrf
from tests.support.privacy import (
    EMAIL,
    NAME,
    OUTBOXES,
    PHONE,
    dead_letters_about_her,
    invitation_status,
    mentions,
    person_everywhere,
    request,
    settled,
    start_everything,
    status_of,
)
from tests.support.recruitment import network_with_members

pytestmark = pytest.mark.integration


def figures(stack, person) -> dict:
    """What the coordinator's figures count: responses per member, students in the cohort, the
    theatre's redemptions, the volunteer day's invitations."""
    network_id = person.pn.net.client.application.extensions["recruitment_networks"].by_slug("enkhuizen").id
    coordinator = Principal(role=Role.COORDINATOR, network_id=network_id)
    with stack.kit("recruitment").db.reader(network_id=network_id) as session:
        recruitment = (
            responses.response_times(session),
            students.cohort_student_count(session, person.cohort_id),
        )
    with stack.kit("appreciation").db.reader(network_id=network_id) as session:
        event = gatherings.organised(session, coordinator, person.event_id)
        counted = gatherings.figures(session, event)
        people = sum(counted[k] for k in ("signed_up", "waiting", "offered", "declined"))
        appreciation = (redemption_figures.figures(session, coordinator), counted["invited"], people)
    return {"recruitment": recruitment, "appreciation": appreciation}


def confirm(stack, subject: str) -> None:
    """Open the mailed link (a GET changes nothing: mail scanners open links) and press the button."""
    mail = mail_to(stack, EMAIL, subject)
    link = path_in(mail["text"], "/privacy/bevestigen/")
    client = stack.app("recruitment").test_client()
    page = client.get(link)
    assert page.status_code == 200
    done = client.post(link, data={"csrf_token": csrf(page.get_data(as_text=True))})
    assert done.status_code == 200, done.get_data(as_text=True)


def test_a_person_sees_then_erases_everything_knoop_holds_even_with_notifications_down_meanwhile(stack):
    person = person_everywhere(stack)
    dead_letters_about_her(stack)
    workers = start_everything(stack)
    settled(stack)
    before = figures(stack, person)

    # Access: the download holds every record the erasure removes below.
    access = request(stack, "enkhuizen", "access")
    confirm(stack, "Bevestig je verzoek om je gegevens")
    ready = mail_to(stack, EMAIL, "Je gegevens bij")
    assert status_of(stack, access) == ("ready", ["appreciation", "notifications", "recruitment"])
    page_path = path_in(ready["text"], "/privacy/gegevens/")
    client = stack.app("recruitment").test_client()
    page = client.get(page_path).get_data(as_text=True)
    assert NAME in page and "Twee voor één" in page and "Vrijwilligersdag" in page
    export = json.loads(client.get(f"{page_path}/knoop-gegevens.json").get_data(as_text=True))["services"]
    [response] = export["recruitment"]["responses"]
    assert (response["name"], response["email"], response["phone"]) == (NAME, EMAIL, PHONE)
    [student] = export["recruitment"]["students"]
    assert (student["name"], student["email"], student["phone"]) == (NAME, EMAIL, PHONE)
    [holder] = export["appreciation"]["pass_holder"]
    assert (holder["name"], holder["email"]) == (NAME, EMAIL)
    assert len(export["appreciation"]["passes"]) == 1 and len(export["appreciation"]["redemptions"]) == 1
    [invitation] = export["appreciation"]["invitations"]
    assert (invitation["status"], invitation["answers"]) == ("signed_up", {"Dieetwensen?": "glutenvrij"})
    kinds = {m["kind"] for m in export["notifications"]["messages"]}
    assert {"response_confirmation", "student_registered", "pass_issued", "event_invitation"} <= kinds

    # Erasure, confirmed while notifications' worker is down: the others answer, the request waits.
    erasure = request(stack, "enkhuizen", "erasure")
    mail_to(stack, EMAIL, "Bevestig dat")
    settled(stack)
    workers["notifications"].stop()
    confirm(stack, "Bevestig dat")
    wait_until(
        lambda: status_of(stack, erasure)[1] == ["appreciation", "recruitment"], 60, message="two answers"
    )
    assert status_of(stack, erasure)[0] == "erasing"
    stack.start_worker("notifications")
    wait_until(lambda: status_of(stack, erasure)[0] == "done", 60, message="the erasure done")

    assert invitation_status(person, "kees@example.org") == "offered"  # the seat went on
    mail_to(stack, "humanitas@enkhuizen.example.org", "Een reactie op")  # the member is told
    settled_after = figures(stack, person)
    assert settled_after == before
    wait_until(lambda: _outboxes_sent(stack), 30, message="the last events sent")
    found = {service: mentions(url, [NAME, EMAIL, PHONE]) for service, url in stack.databases.items()}
    assert found == {"recruitment": [], "appreciation": [], "notifications": []}


def _outboxes_sent(stack) -> bool:
    for service, outbox in OUTBOXES.items():
        with stack.kit(service).db.reader() as session:
            if session.scalar(select(outbox.id).where(outbox.sent_at.is_(None)).limit(1)) is not None:
                return False
    return True


def test_a_mail_scanner_opening_the_link_confirms_nothing(stack):
    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    network_with_members(stack.app("recruitment"))
    request_id = request(stack, "enkhuizen", "erasure")
    link = path_in(mail_to(stack, EMAIL, "Bevestig dat")["text"], "/privacy/bevestigen/")
    page = stack.app("recruitment").test_client().get(link)
    assert "Ja, wis mijn gegevens" in page.get_data(as_text=True)
    assert status_of(stack, request_id) == ("unconfirmed", [])
    with stack.kit("recruitment").db.reader() as session:
        assert session.get(PrivacyRequest, request_id).email == EMAIL


def test_the_request_page_says_what_is_wrong_beside_the_field(stack):
    network_with_members(stack.app("recruitment"))
    client = stack.app("recruitment").test_client()
    page = client.get("/n/enkhuizen/privacy/verzoek").get_data(as_text=True)
    wrong = client.post(
        "/n/enkhuizen/privacy/verzoek",
        data={"csrf_token": csrf(page), "email": "geen-adres", "kind": "alles"},
    )
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert 'id="f-email-error"' in text and 'id="f-kind-error"' in text and 'value="geen-adres"' in text
    with stack.kit("recruitment").db.reader() as session:
        assert session.scalars(select(PrivacyRequest)).all() == []


def test_the_coordinator_asks_on_someones_behalf_in_the_page_and_the_api_and_nobody_else_may(stack):
    net = network_with_members(stack.app("recruitment"))
    vacancy = net.publish("Humanitas")
    body = {"name": NAME, "email": EMAIL, "phone": PHONE, "consent": True}
    assert (
        net.client.post(f"/api/recruitment/vacancies/{vacancy['id']}/responses", json=body).status_code == 201
    )
    api = "/api/recruitment/privacy-requests"
    wrong = net.client.post(
        api, headers=bearer(net.coordinator), json={"email": "zwaantje", "kind": "wissen"}
    )
    assert wrong.status_code == 422 and {"email", "kind"} <= set(wrong.get_json()["errors"])
    member = net.client.post(api, headers=net.token("Humanitas"), json={"email": EMAIL, "kind": "erasure"})
    assert member.status_code == 403
    assert net.client.get(api, headers=net.token("Humanitas")).status_code == 403

    asked = net.client.post(api, headers=bearer(net.coordinator), json={"email": EMAIL, "kind": "erasure"})
    assert asked.status_code == 201, asked.get_json()
    assert (asked.get_json()["status"], asked.get_json()["answered"]) == ("erasing", ["recruitment"])
    # Recruitment's own records go at once; the events that named her wait for the other services'
    # answers (they may still be on their way), then go too (the journey above).
    left = mentions(stack.databases["recruitment"], [NAME, PHONE])
    assert left and all(found.startswith("outbox.message") for found in left)
    with stack.kit("recruitment").db.reader() as session:
        assert session.get(PrivacyRequest, asked.get_json()["id"]).requested_by == "coordinator"

    client = stack.app("recruitment").test_client()
    with client.session_transaction() as stored:
        network_id = client.application.extensions["recruitment_networks"].by_slug("enkhuizen").id
        stored["principal"] = {"role": "coordinator", "network_id": network_id, "since": time.time()}
    page = client.get("/portaal/privacy").get_data(as_text=True)
    assert EMAIL in page and "Wordt gewist" in page and "namens de persoon" in page
    again = client.post("/portaal/privacy", data={"csrf_token": csrf(page), "email": "", "kind": "access"})
    assert again.status_code == 422 and 'id="f-email-error"' in again.get_data(as_text=True)
    done = client.post(
        "/portaal/privacy", data={"csrf_token": csrf(page), "email": "kees@example.org", "kind": "access"}
    )
    assert done.status_code == 303
    assert [r["email"] for r in net.client.get(api, headers=bearer(net.coordinator)).get_json()] == [
        "kees@example.org",
        EMAIL,
    ]


def test_unconfirmed_requests_and_old_downloads_forget_the_address(stack):
    network_with_members(stack.app("recruitment"))
    kit = stack.kit("recruitment")
    network_id = stack.app("recruitment").extensions["recruitment_networks"].by_slug("enkhuizen").id
    links = stack.app("recruitment").extensions["recruitment_links"]
    now = datetime.now(UTC)
    with kit.db.transaction() as session:
        old = privacy_requests.ask(session, network_id, EMAIL, "access", "nl", links, "k" * 32)
        fresh = privacy_requests.ask(
            session, network_id, "kees@example.org", "erasure", "nl", links, "k" * 32
        )
        ready = privacy_requests.ask(session, network_id, "anna@example.org", "access", "nl", links, "k" * 32)
        old.requested_at = now - timedelta(days=7, minutes=1)
        ready.status, ready.expires_at, ready.email = "ready", now - timedelta(minutes=1), "anna@example.org"
        ready.parts.append(
            PrivacyRequestPart(service="recruitment", records={"responses": [{"name": "Anna"}]})
        )
        ids = old.id, fresh.id, ready.id
    with kit.db.transaction() as session:
        assert privacy_requests.expire(session, now) == 2
    with kit.db.reader() as session:
        old, fresh, ready = (session.get(PrivacyRequest, i) for i in ids)
        assert (old.status, old.email) == ("expired", "")
        assert (fresh.status, fresh.email) == ("unconfirmed", "kees@example.org")
        assert (ready.status, ready.email, ready.parts[0].records) == ("expired", "", {})
    gone = (
        stack.app("recruitment").test_client().get(f"/privacy/gegevens/{links.privacy_download.sign(ids[2])}")
    )
    assert gone.status_code == 404


def test_two_answers_arriving_at_once_in_two_workers_complete_the_request(stack):
    import threading

    network_with_members(stack.app("recruitment"))
    app, kit = stack.app("recruitment"), stack.kit("recruitment")
    network_id = app.extensions["recruitment_networks"].by_slug("enkhuizen").id
    links = app.extensions["recruitment_links"]
    coordinator = Principal(role=Role.COORDINATOR, network_id=network_id)
    with kit.db.transaction() as session:
        asked = privacy_requests.ask_on_behalf(
            session, coordinator, EMAIL, "access", "nl", "k" * 32, datetime.now(UTC)
        )
        request_id = asked.id
    first_holds_it = threading.Event()

    def answer(service: str, hold: bool) -> None:
        with kit.db.transaction() as session:
            privacy_requests.record_part(
                session, request_id, service, network_id, datetime.now(UTC), links, records={}
            )
            if hold:  # the first answer's transaction is still open when the second arrives
                first_holds_it.set()
                time.sleep(0.5)

    first = threading.Thread(target=answer, args=("appreciation", True))
    first.start()
    first_holds_it.wait(10)
    answer("notifications", False)
    first.join()
    assert status_of(stack, request_id) == ("ready", ["appreciation", "notifications", "recruitment"])


def test_a_request_no_service_answered_within_the_hour_is_sent_again_and_asking_twice_mails_once(stack):
    network_with_members(stack.app("recruitment"))
    app, kit = stack.app("recruitment"), stack.kit("recruitment")
    network_id = app.extensions["recruitment_networks"].by_slug("enkhuizen").id
    links, now = app.extensions["recruitment_links"], datetime.now(UTC)
    coordinator = Principal(role=Role.COORDINATOR, network_id=network_id)
    with kit.db.transaction() as session:
        first = privacy_requests.ask(session, network_id, EMAIL, "access", "nl", links, "k" * 32)
        again = privacy_requests.ask(session, network_id, EMAIL.upper(), "access", "nl", links, "k" * 32)
        assert again.id == first.id
        stalled = privacy_requests.ask_on_behalf(
            session, coordinator, "kees@example.org", "erasure", "nl", "k" * 32, now
        )
        stalled.confirmed_at = now - timedelta(hours=1, minutes=1)
    with kit.db.transaction() as session:
        assert privacy_requests.ask_again(session, now) == 1
    with kit.db.reader() as session:
        types = list(session.scalars(select(OutboxMessage.type).order_by(OutboxMessage.id)))
    assert types.count("recruitment.privacy_request_received.v1") == 1
    assert types.count("recruitment.personal_data_requested.v1") == 2  # asked, and asked again


def test_a_message_about_her_arriving_after_the_erasure_is_recorded_anonymised_and_not_sent(stack):
    """An event naming her still on notifications' queue (retried, or waiting while it was down)
    when her erasure is done there: nothing of her comes back."""
    from services.notifications.handlers import event_handlers
    from services.notifications.models import Delivery
    from services.notifications.samples import SAMPLES
    from shared import contracts
    from shared.messaging.consumer import consume

    kit = stack.kit("notifications")
    handlers = event_handlers(kit.settings.secret_key)

    def deliver(event_type: str, data: dict) -> None:
        payload = contracts.build(event_type, data)
        consume(
            kit, handlers, contracts.envelope(str(uuid.uuid4()), event_type, "recruitment", "n1", payload)
        )

    request = {"request_id": "r1", "kind": "erasure", "email": EMAIL}
    deliver("recruitment.personal_data_requested.v1", request)
    her = {"name": NAME, "email": EMAIL, "language": "nl"}
    late = {**SAMPLES["recruitment.response_received.v1"], "volunteer": her, "phone": PHONE}
    deliver("recruitment.response_received.v1", late)
    with kit.db.reader() as session:
        rows = list(session.scalars(select(Delivery)))
    assert {(d.template, d.status) for d in rows} == {
        ("response_confirmation", "suppressed"),
        ("response_received", "suppressed"),
    }
    assert mentions(stack.databases["notifications"], [NAME, EMAIL, PHONE]) == []
