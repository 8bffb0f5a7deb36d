"""The first slice, driven through the real HTTP API of recruitment (Flask test client)."""

from __future__ import annotations

from services.recruitment.usecases import registry


def platform_token(app) -> str:
    with app.extensions["knoop"].db.transaction() as session:
        return registry.issue_platform_token(session, "test operator")


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def open_network(client, platform: str, slug: str = "enkhuizen", moderated: bool = False) -> dict:
    """A network; unmoderated unless asked, so a member's submit publishes at once."""
    body = {
        "name": f"Netwerk {slug}",
        "slug": slug,
        "region": slug,
        "moderated": moderated,
        "contact_email": "coordinator@example.org",
    }
    response = client.post("/api/recruitment/networks", headers=bearer(platform), json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def admit(
    client,
    coordinator: str,
    name: str = "Humanitas",
    language: str = "nl",
    email: str = "humanitas@example.org",
) -> dict:
    response = client.post(
        "/api/recruitment/organisations",
        headers=bearer(coordinator),
        json={
            "name": name,
            "contact_name": "Anne de Vries",
            "contact_email": email,
            "language": language,
            "identity": "humanistisch",
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def draft(client, token: str, title: str = "Maatje gezocht") -> dict:
    response = client.post(
        "/api/recruitment/vacancies",
        headers=bearer(token),
        json={"title": title, "place": "Enkhuizen", "hours_per_week": 2},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def publish(client, token: str, vacancy_id: str) -> dict:
    """Submit in an unmoderated network: published at once."""
    response = client.post(f"/api/recruitment/vacancies/{vacancy_id}/submit", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def organisation_with_token(app, language: str = "nl", moderated: bool = False):
    """A network and one member organisation; returns (client, coordinator token, org token)."""
    client = app.test_client()
    network = open_network(client, platform_token(app), moderated=moderated)
    organisation = admit(client, network["coordinator_token"], language=language)
    return client, network["coordinator_token"], organisation["token"]
