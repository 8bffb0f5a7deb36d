"""Driving appreciation in tests: the recruitment network's events handed to appreciation's real
handlers in this process (the Celery path is covered by the flow tests), discount partners, offers,
passes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from sqlalchemy import select

from services.appreciation.handlers import command_handlers, event_handlers
from services.appreciation.models import OutboxMessage as AppreciationOutbox
from services.recruitment.models import OutboxMessage as RecruitmentOutbox
from shared.messaging.commands import is_command, run_command
from shared.messaging.consumer import consume
from tests.support.flows import bearer
from tests.support.recruitment import Network, network_with_members

API = "/api/appreciation"


def replicate(recruitment_app, appreciation_app) -> None:
    """Hand every recruitment event to appreciation's handlers (each once: the inbox sees to it)."""
    with recruitment_app.extensions["knoop"].db.reader() as session:
        messages = list(session.scalars(select(RecruitmentOutbox.message).order_by(RecruitmentOutbox.id)))
    kit = appreciation_app.extensions["knoop"]
    handlers = event_handlers(appreciation_app.extensions["appreciation_links"])
    for message in messages:
        if message["type"] in handlers:
            consume(kit, handlers, message)


def appreciation_events(app, event_type: str) -> list[dict]:
    with app.extensions["knoop"].db.reader() as session:
        rows = session.scalars(
            select(AppreciationOutbox.message)
            .where(AppreciationOutbox.type == event_type)
            .order_by(AppreciationOutbox.id)
        )
        return [row["data"] for row in rows]


@dataclass
class PassNetwork:
    net: Network
    app: object  # appreciation's Flask app
    partners: dict = field(default_factory=dict)  # name -> {"id", "token"}

    @property
    def client(self):
        return self.app.test_client()

    def api(self, method: str, path: str, who: str = "coordinator", **kwargs):
        if who == "coordinator":
            headers = bearer(self.net.coordinator)
        elif who in self.partners:
            headers = bearer(self.partners[who]["token"])
        else:
            headers = self.net.token(who)
        headers = {**headers, **kwargs.pop("headers", {})}
        return getattr(self.client, method)(f"{API}{path}", headers=headers, **kwargs)

    def admit_partner(self, name: str, **fields) -> dict:
        body = {"name": name, "place": "Enkhuizen", "category": "theatre", **fields}
        body.setdefault("contact_email", f"{name.split()[0].lower()}@partner.example.org")
        answer = self.api("post", "/partners", json=body)
        assert answer.status_code == 201, answer.get_json()
        created = answer.get_json()
        self.partners[name] = {"id": created["partner"]["id"], "token": created["token"]}
        return self.partners[name]

    def offer(self, partner: str, title: str, **fields) -> str:
        body = {"title": title, "discount_kind": "two_for_one", **fields}
        answer = self.api("post", "/offers", who=partner, json=body)
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()["id"]

    def nominate(self, member: str, name: str, email: str | None = None) -> dict:
        email = email or f"{name.split()[0].lower()}@example.org"
        answer = self.api("post", "/passes", who=member, json={"name": name, "email": email})
        assert answer.status_code in (200, 201), answer.get_json()
        # The member sees only the last digits; the number comes from the holder's own e-mail.
        return {**answer.get_json()["pass"], "number": self.issued(email.lower())["number"]}

    def issued(self, email: str) -> dict:
        """The latest pass_issued event for this address."""
        [*_, event] = [
            e
            for e in appreciation_events(self.app, "appreciation.pass_issued.v1")
            if e["holder"]["email"] == email
        ]
        return event

    def qr_token(self, email: str) -> str:
        return urlparse(self.issued(email)["qr_url"]).path.rsplit("/", 1)[1]

    def redeem(
        self, partner: str, offer_id: str, *, number: str | None = None, qr: str | None = None, key=None
    ):
        headers = {"Idempotency-Key": key} if key else {}
        body = {"offer_id": offer_id, **({"number": number} if number else {"qr": qr})}
        return self.api("post", "/redemptions", who=partner, json=body, headers=headers)


THEATRE, MUSEUM = "Theater De Drommedaris", "Zuiderzeemuseum"


def with_two_partners(stack, **museum) -> PassNetwork:
    """The network with a theatre and a museum admitted as discount partners (`museum`: more of
    the museum's fields)."""
    pn = pass_network(stack)
    pn.admit_partner(THEATRE)
    pn.admit_partner(MUSEUM, category="museum", **museum)
    return pn


def pass_network(stack) -> PassNetwork:
    recruitment, appreciation = stack.app("recruitment"), stack.app("appreciation")
    net = network_with_members(recruitment)
    replicate(recruitment, appreciation)
    return PassNetwork(net, appreciation)


def event_body(**fields) -> dict:
    """An appreciation event's body as the API takes it, ten days ahead; `fields` change it."""
    start = datetime.now(UTC) + timedelta(days=10)
    return {
        "title": "Vrijwilligersdag",
        "kind": "volunteer_day",
        "venue": "Zuiderzeemuseum",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=4)).isoformat(),
        "signup_deadline": (start - timedelta(days=2)).isoformat(),
        "capacity": 100,
        **fields,
    }


def run_own_events(app) -> None:
    """Run the tasks appreciation queued for itself through its outbox until none are new (what its
    worker does with `appreciation.continue_invitations`)."""
    kit, commands = app.extensions["knoop"], command_handlers(app.extensions["appreciation_links"])
    seen = 0
    while True:
        with kit.db.reader() as session:
            messages = list(
                session.scalars(select(AppreciationOutbox.message).order_by(AppreciationOutbox.id))
            )
        if len(messages) == seen:
            return
        for message in messages[seen:]:
            if is_command(message):
                run_command(kit, commands, message)
        seen = len(messages)


def publish(pn, who="coordinator", **fields) -> dict:
    created = pn.api("post", "/events", who=who, json=event_body(**fields))
    assert created.status_code == 201, created.get_json()
    published = pn.api("post", f"/events/{created.get_json()['id']}/publish", who=who)
    assert published.status_code == 200
    run_own_events(pn.app)
    return created.get_json()


def page_session(pn: PassNetwork, who: str = "coordinator"):
    """A logged-in page session for the coordinator, a discount partner admitted with
    `admit_partner` or a member organisation (`who`: its name). The login links themselves are
    tried in test_passes and the browser journeys."""
    client = pn.app.test_client()
    network_id = pn.net.client.application.extensions["recruitment_networks"].by_slug("enkhuizen").id
    principal = {"role": "coordinator", "network_id": network_id, "since": time.time()}
    if who in pn.partners:
        principal = {**principal, "role": "discount_partner", "partner_id": pn.partners[who]["id"]}
    elif who != "coordinator":
        principal = {**principal, "role": "organisation", "organisation_id": pn.net.id(who)}
    with client.session_transaction() as stored:
        stored["principal"] = principal
    return client
