"""Driving student placements in tests: a partner with a cohort, placements, registered students."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from tests.support.flows import bearer
from tests.support.recruitment import Network, events


def csrf(page: str) -> str:
    """The form's CSRF token, whatever the order of the hidden field's attributes."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@dataclass
class Cohort:
    net: Network
    partner_token: str
    partner_id: str
    body: dict
    placements: dict = field(default_factory=dict)  # title -> id

    @property
    def id(self) -> str:
        return self.body["id"]

    @property
    def link(self) -> str:
        return urlparse(self.body["registration_url"]).path.rsplit("/", 1)[1]

    def api(self, method: str, path: str, who: str = "coordinator", **kwargs):
        token = {"coordinator": self.net.coordinator, "partner": self.partner_token}.get(who)
        headers = bearer(token) if token else self.net.token(who)
        return getattr(self.net.client, method)(f"/api/recruitment{path}", headers=headers, **kwargs)

    def offer(self, member: str, title: str, capacity: int, **fields) -> str:
        body = {"title": title, "capacity": capacity, **fields}
        response = self.api("post", f"/cohorts/{self.id}/placements", who=member, json=body)
        assert response.status_code == 201, response.get_json()
        self.placements[title] = response.get_json()["id"]
        return self.placements[title]

    def register(self, name: str, preferences: list[str], verify: bool = True, **fields) -> dict:
        """Register through the link (API), and open the confirmation link like the student would."""
        body = {
            "name": name,
            "email": f"{name.lower().replace(' ', '.')}@student.example.org",
            "student_number": fields.pop("student_number", str(zlib.crc32(name.encode()))),
            "preferences": [self.placements[p] for p in preferences],
            "consent": True,
            **fields,
        }
        response = self.net.client.post(f"/api/recruitment/registration/{self.link}", json=body)
        assert response.status_code == 201, response.get_json()
        [*_, event] = self.registrations(body["email"])
        client = self.verify(body["email"]) if verify else None
        return {"id": event["student_id"], "email": body["email"], "client": client}

    def registrations(self, email: str) -> list[dict]:
        """The student_registered events for this address, oldest first."""
        app = self.net.client.application
        return [e for e in events(app, "recruitment.student_registered.v1") if e["student"]["email"] == email]

    def verification_link(self, email: str) -> str:
        [*_, event] = self.registrations(email)
        return urlparse(event["verify_url"]).path

    def verify(self, email: str, client=None):
        """Open the confirmation link and press its button: returns the logged-in client."""
        client = client or self.net.client.application.test_client()
        link = self.verification_link(email)
        page = client.get(link)
        assert page.status_code == 200, page.get_data(as_text=True)
        answer = client.post(link, data={"csrf_token": csrf(page.get_data(as_text=True))})
        assert answer.status_code == 303, answer.get_data(as_text=True)
        return client


def partner_with_cohort(net: Network, name: str = "Social Work jaar 1", **cohort_fields) -> Cohort:
    created = net.client.post(
        "/api/recruitment/education-partners",
        headers=bearer(net.coordinator),
        json={
            "institution": "Hogeschool Inholland",
            "programme": f"Social Work {name}",
            "contact_name": "Mira Docent",
            "contact_email": f"docent.{zlib.crc32(name.encode()) % 100000}@inholland.example.org",
        },
    )
    assert created.status_code == 201, created.get_json()
    token, partner_id = created.get_json()["token"], created.get_json()["partner"]["id"]
    now = datetime.now(UTC)
    body = {
        "name": name,
        "required_hours": 8,
        "max_preferences": 3,
        "opens_at": (now - timedelta(days=1)).isoformat(),
        "closes_at": (now + timedelta(days=14)).isoformat(),
        **cohort_fields,
    }
    cohort = net.client.post("/api/recruitment/cohorts", headers=bearer(token), json=body)
    assert cohort.status_code == 201, cohort.get_json()
    return Cohort(net, token, partner_id, cohort.get_json())
