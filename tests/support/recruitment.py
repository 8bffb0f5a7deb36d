"""Driving recruitment in tests: a network with several members, vacancies in any state, events."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from services.recruitment.models import OutboxMessage
from tests.support.flows import bearer, open_network, platform_token


@dataclass
class Network:
    client: object
    slug: str
    coordinator: str
    members: dict  # name -> {"id", "token"}

    def token(self, member: str) -> dict:
        return bearer(self.members[member]["token"])

    def id(self, member: str) -> str:
        return self.members[member]["id"]

    def draft(self, member: str, **fields) -> dict:
        body = {"title": "Maatje voor een oudere buurtbewoner", **fields}
        response = self.client.post("/api/recruitment/vacancies", headers=self.token(member), json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def step(self, who: str, vacancy_id: str, step: str, body: dict | None = None):
        headers = bearer(self.coordinator) if who == "coordinator" else self.token(who)
        return self.client.post(f"/api/recruitment/vacancies/{vacancy_id}/{step}", headers=headers, json=body)

    def publish(self, member: str, co_publishers: tuple = (), **fields) -> dict:
        """Draft, invite and accept co-publishers, submit (and approve when moderated)."""
        vacancy = self.draft(member, **fields)
        for partner in co_publishers:
            assert (
                self.step(
                    member, vacancy["id"], "co-publishers", {"organisation_id": self.id(partner)}
                ).status_code
                == 200
            )
            assert self.step(partner, vacancy["id"], "accept").status_code == 200
        submitted = self.step(member, vacancy["id"], "submit").get_json()
        if submitted["status"] == "submitted":
            submitted = self.step("coordinator", vacancy["id"], "approve").get_json()
        assert submitted["status"] == "published", submitted
        return submitted


MEMBERS = {
    "Humanitas": {
        "identity": "humanistisch",
        "activities": ["home-visits", "buddy-care"],
        "areas": ["Binnenstad"],
    },
    "Zonnebloem": {"activities": ["outings"], "areas": ["Oost"]},
    "Present": {"identity": "christelijk", "activities": ["odd-jobs"], "areas": ["West"]},
}


def network_with_members(app, slug: str = "enkhuizen", moderated: bool = False) -> Network:
    client = app.test_client()
    created = open_network(client, platform_token(app), slug=slug, moderated=moderated)
    members = {}
    for name, extra in MEMBERS.items():
        response = client.post(
            "/api/recruitment/organisations",
            headers=bearer(created["coordinator_token"]),
            json={
                "name": name,
                "contact_name": f"Contact {name}",
                "contact_email": f"{name.lower()}@{slug}.example.org",
                **extra,
            },
        )
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        members[name] = {"id": body["organisation"]["id"], "token": body["token"]}
    return Network(client, slug, created["coordinator_token"], members)


def events(app, event_type: str) -> list[dict]:
    """The payloads of every `event_type` in recruitment's outbox, oldest first."""
    with app.extensions["knoop"].db.reader() as session:
        rows = session.scalars(
            select(OutboxMessage.message).where(OutboxMessage.type == event_type).order_by(OutboxMessage.id)
        )
        return [row["data"] for row in rows]
