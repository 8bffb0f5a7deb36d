"""The first slice, driven through the real HTTP API of recruitment (Flask test client)."""

from __future__ import annotations

from services.recruitment import services


def platform_token(app) -> str:
    with app.extensions["knoop"].db.transaction() as session:
        return services.issue_platform_token(session, "test operator")


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def open_network(client, platform: str, slug: str = "enkhuizen") -> dict:
    response = client.post(
        "/api/recruitment/networks",
        headers=bearer(platform),
        json={"name": f"Netwerk {slug}", "slug": slug, "region": slug},
    )
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
    response = client.post(f"/api/recruitment/vacancies/{vacancy_id}/publish", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def organisation_with_token(app, language: str = "nl"):
    """A network and one member organisation; returns (client, coordinator token, org token)."""
    client = app.test_client()
    network = open_network(client, platform_token(app))
    organisation = admit(client, network["coordinator_token"], language=language)
    return client, network["coordinator_token"], organisation["token"]
