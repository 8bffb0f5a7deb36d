"""A person with data in every service, and ways to look for them afterwards (issue 20's tests)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlparse

from sqlalchemy import create_engine, inspect, select, text

from deploy.local.harness import wait_until
from services.appreciation.models import Invitation, PassHolder
from services.appreciation.models import OutboxMessage as AppreciationOutbox
from services.notifications.models import Delivery
from services.notifications.models import OutboxMessage as NotificationsOutbox
from services.recruitment.models import OutboxMessage as RecruitmentOutbox
from services.recruitment.models import PrivacyRequest
from tests.support.appreciation import (
    THEATRE,
    PassNetwork,
    appreciation_events,
    page_session,
    publish,
    with_two_partners,
)
from tests.support.placements import csrf, partner_with_cohort

NAME, EMAIL, PHONE = "Zwaantje Pietersdottir", "zwaantje.p@example.org", "0612 345 678"
OUTBOXES = {
    "recruitment": RecruitmentOutbox,
    "appreciation": AppreciationOutbox,
    "notifications": NotificationsOutbox,
}


@dataclass
class Person:
    pn: PassNetwork
    vacancy_id: str
    cohort_id: str
    event_id: str


def person_everywhere(stack) -> Person:
    """Zwaantje responded to a vacancy, registered as a student, holds a pass, used it at the theatre
    and took the last place at the volunteer day, with Kees behind her on the waiting list; the
    coordinator searched for her."""
    pn = with_two_partners(stack)
    net = pn.net
    vacancy = net.publish("Humanitas")
    body = {"name": NAME, "email": EMAIL, "phone": PHONE, "motivation": "Ik wandel graag", "consent": True}
    answer = net.client.post(f"/api/recruitment/vacancies/{vacancy['id']}/responses", json=body)
    assert answer.status_code == 201, answer.get_json()
    cohort = partner_with_cohort(net)
    cohort.offer("Zonnebloem", "Uitjes met ouderen", 5)
    cohort.register(NAME, ["Uitjes met ouderen"], email=EMAIL, phone=PHONE)
    zwaantje = pn.nominate("Humanitas", NAME, EMAIL)
    pn.nominate("Humanitas", "Kees Visser", "kees@example.org")
    offer = pn.offer(THEATRE, "Twee voor één")
    assert pn.redeem(THEATRE, offer, number=zwaantje["number"]).status_code == 201
    gathering = publish(pn, capacity=1, questions=["Dieetwensen?"])
    [batch] = appreciation_events(pn.app, "appreciation.invitations_sent.v1")
    urls = {i["email"]: urlparse(i["signup_url"]).path for i in batch["invitees"]}
    for email, answers in ((EMAIL, {"answer-Dieetwensen?": "glutenvrij"}), ("kees@example.org", {})):
        client = pn.app.test_client()
        page = client.get(urls[email]).get_data(as_text=True)
        client.post(urls[email], data={"csrf_token": csrf(page), "step": "signup", **answers})
    # The coordinator looked her up: the audit trail keeps the search, and with it her name.
    assert NAME in page_session(pn).get("/waardering/passen?q=zwaantje").get_data(as_text=True)
    return Person(pn, vacancy["id"], cohort.id, gathering["id"])


def dead_letters_about_her(stack) -> None:
    """In every service, a task that failed for good with her in its arguments, and bytes on a queue
    that were no message at all but hold her address."""
    for service in OUTBOXES:
        box = stack.kit(service).dead_letters
        message = {"type": "x.y.v1", "data": {"person": {"name": NAME, "email": EMAIL, "phone": PHONE}}}
        box.record(f"t-{service}", f"{service}.handle_event", [message], {}, f"550 no mailbox {EMAIL}", 5)
        box.bury(service, f"not json: {EMAIL.upper()}".encode(), "not a message")


def start_everything(stack) -> dict:
    """A worker and a relay for every service; returns the workers by service."""
    workers = {service: stack.start_worker(service) for service in OUTBOXES}
    for service in OUTBOXES:
        stack.start_relay(service)
    return workers


def settled(stack) -> None:
    """Every outbox sent and every message to Zwaantje sent: what happened so far is everywhere."""

    def quiet() -> bool:
        for service, outbox in OUTBOXES.items():
            with stack.kit(service).db.reader() as session:
                if session.scalar(select(outbox.id).where(outbox.sent_at.is_(None)).limit(1)) is not None:
                    return False
        with stack.kit("notifications").db.reader() as session:
            statuses = list(session.scalars(select(Delivery.status).where(Delivery.recipient == EMAIL)))
        return len(statuses) >= 5 and all(s == "sent" for s in statuses)

    wait_until(quiet, 60, message="every outbox sent and every message to Zwaantje sent")


def request(stack, slug: str, kind: str) -> str:
    """Ask on the network's page and confirm through the mailed link; returns the request's id."""
    client = stack.app("recruitment").test_client()
    page = client.get(f"/n/{slug}/privacy/verzoek").get_data(as_text=True)
    asked = client.post(
        f"/n/{slug}/privacy/verzoek", data={"csrf_token": csrf(page), "email": EMAIL.upper(), "kind": kind}
    )
    assert asked.status_code == 202, asked.get_data(as_text=True)
    with stack.kit("recruitment").db.reader() as session:
        return session.scalars(
            select(PrivacyRequest.id).where(PrivacyRequest.kind == kind).order_by(PrivacyRequest.requested_at)
        ).all()[-1]


def status_of(stack, request_id: str) -> tuple[str, list[str]]:
    with stack.kit("recruitment").db.reader() as session:
        request = session.get(PrivacyRequest, request_id)
        return request.status, sorted(part.service for part in request.parts)


def invitation_status(person: Person, email: str) -> str:
    """The status of `email`'s invitation to the volunteer day."""
    with person.pn.app.extensions["knoop"].db.reader() as session:
        return session.scalar(
            select(Invitation.status)
            .join(PassHolder, PassHolder.id == Invitation.holder_id)
            .where(Invitation.event_id == person.event_id, PassHolder.email == email)
        )


def mentions(database_url: str, needles: list[str]) -> list[str]:
    """Every table.column of the database in which one of `needles` occurs (any case): each value
    read as text (JSON as written, bytes as Latin-1), so nothing escapes by its type."""
    engine = create_engine(database_url)
    found = []
    try:
        with engine.connect() as conn:
            for table in inspect(conn).get_table_names():
                result = conn.execute(text(f'SELECT * FROM "{table}"'))
                columns = list(result.keys())
                for row in result:
                    for column, value in zip(columns, row, strict=True):
                        shown = _as_text(value).lower()
                        found += [f"{table}.{column}: {n}" for n in needles if n.lower() in shown]
    finally:
        engine.dispose()
    return sorted(set(found))


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
