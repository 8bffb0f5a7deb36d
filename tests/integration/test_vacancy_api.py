"""The vacancy API on a real database: validation, authentication, scoping, outbox."""

import pytest
from sqlalchemy import func, select

from services.recruitment.models import OutboxMessage, Vacancy
from tests.support.flows import admit, bearer, draft, open_network, organisation_with_token, platform_token

pytestmark = pytest.mark.integration


@pytest.fixture
def app(stack):
    return stack.app("recruitment")


def count(app, model):
    with app.extensions["knoop"].db.reader() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_organisation_drafts_and_publishes_and_the_event_is_in_the_outbox(app):
    client, _, token = organisation_with_token(app)
    vacancy = draft(client, token, "Maatje voor een oudere buurtbewoner")
    assert vacancy["status"] == "draft"
    response = client.post(f"/api/recruitment/vacancies/{vacancy['id']}/submit", headers=bearer(token))
    assert response.status_code == 200 and response.get_json()["status"] == "published"
    with app.extensions["knoop"].db.reader() as session:
        row = session.scalar(
            select(OutboxMessage).where(OutboxMessage.type == "recruitment.vacancy_published.v1")
        )
    assert row.message["data"]["vacancy_id"] == vacancy["id"]
    assert row.message["data"]["contact_email"] == "humanitas@example.org"
    assert row.sent_at is None


def test_published_vacancy_appears_on_the_public_page_in_dutch(app):
    client, _, token = organisation_with_token(app)
    vacancy = draft(client, token, "Begeleider dagjes uit")
    client.post(f"/api/recruitment/vacancies/{vacancy['id']}/submit", headers=bearer(token))
    draft(client, token, "Nog niet gepubliceerd")
    page = client.get("/").get_data(as_text=True)
    assert "Vrijwilligersvacatures" in page and "Begeleider dagjes uit" in page
    assert "Nog niet gepubliceerd" not in page
    assert 'lang="nl"' in page
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Volunteer vacancies" in english and 'lang="en"' in english


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "title"),
        ({"title": "ab"}, "title"),
        ({"title": "Goede titel", "hours_per_week": "veel"}, "hours_per_week"),
        ({"title": "Goede titel", "hours_per_week": 80}, "hours_per_week"),
        ({"title": "Goede titel", "salary": 10}, "salary"),
    ],
)
def test_bad_vacancy_input_gets_422_with_a_field_message_and_writes_nothing(app, body, field):
    client, _, token = organisation_with_token(app)
    before = count(app, Vacancy)
    response = client.post("/api/recruitment/vacancies", headers=bearer(token), json=body)
    assert response.status_code == 422
    payload = response.get_json()
    assert payload["code"] == 422 and payload["message"]
    assert field in payload["errors"] and payload["errors"][field]
    assert count(app, Vacancy) == before


def test_malformed_json_is_a_4xx_not_a_500(app):
    client, _, token = organisation_with_token(app)
    response = client.post(
        "/api/recruitment/vacancies",
        data="{not json",
        headers={**bearer(token), "Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer knp_forged"}, {"Authorization": "Basic abc"}]
)
def test_without_a_valid_token_nothing_changes(app, headers):
    client, _, token = organisation_with_token(app)
    vacancy = draft(client, token)
    before = (count(app, Vacancy), count(app, OutboxMessage))
    assert (
        client.post("/api/recruitment/vacancies", json={"title": "Sneaky"}, headers=headers).status_code
        == 401
    )
    assert (
        client.post(f"/api/recruitment/vacancies/{vacancy['id']}/submit", headers=headers).status_code == 401
    )
    assert (
        client.patch(
            f"/api/recruitment/vacancies/{vacancy['id']}", json={"title": "Changed"}, headers=headers
        ).status_code
        == 401
    )
    assert (count(app, Vacancy), count(app, OutboxMessage)) == before


def test_an_organisation_cannot_publish_or_edit_another_members_vacancy(app):
    client, coordinator, token = organisation_with_token(app)
    other = admit(client, coordinator, name="Zonnebloem", email="z@example.org")["token"]
    vacancy = draft(client, token)
    publish = client.post(f"/api/recruitment/vacancies/{vacancy['id']}/submit", headers=bearer(other))
    edit = client.patch(
        f"/api/recruitment/vacancies/{vacancy['id']}", headers=bearer(other), json={"title": "Overgenomen"}
    )
    assert publish.status_code == 403 and edit.status_code == 403
    assert (
        client.get(f"/api/recruitment/vacancies/{vacancy['id']}", headers=bearer(token)).get_json()["title"]
        == "Maatje gezocht"
    )


def test_another_networks_vacancy_does_not_exist_for_you(app):
    client, _, token = organisation_with_token(app)
    vacancy = draft(client, token)
    other_network = open_network(client, platform_token(app), slug="haarlem")
    stranger = admit(client, other_network["coordinator_token"], email="s@example.org")["token"]
    response = client.post(f"/api/recruitment/vacancies/{vacancy['id']}/submit", headers=bearer(stranger))
    assert response.status_code == 404


def test_a_coordinator_may_not_draft_and_an_organisation_may_not_open_networks(app):
    client, coordinator, token = organisation_with_token(app)
    assert (
        client.post(
            "/api/recruitment/vacancies", headers=bearer(coordinator), json={"title": "Door de coördinator"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/recruitment/networks",
            headers=bearer(token),
            json={"name": "Eigen netwerk", "slug": "eigen"},
        ).status_code
        == 403
    )


def test_publishing_twice_is_a_conflict_and_emits_one_event(app):
    client, _, token = organisation_with_token(app)
    vacancy = draft(client, token)
    url = f"/api/recruitment/vacancies/{vacancy['id']}/submit"
    assert client.post(url, headers=bearer(token)).status_code == 200
    second = client.post(url, headers=bearer(token))
    assert second.status_code == 409 and second.get_json()["message"]
    with app.extensions["knoop"].db.reader() as session:
        published = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.type == "recruitment.vacancy_published.v1")
        )
    assert published == 1


def test_revoked_token_stops_working_at_once(app):
    client, coordinator, token = organisation_with_token(app)
    with app.extensions["knoop"].db.reader() as session:
        from services.recruitment.models import ApiToken
        from shared.api_tokens import hash_token

        token_id = session.scalar(select(ApiToken.id).where(ApiToken.token_hash == hash_token(token)))
    assert (
        client.post(f"/api/recruitment/tokens/{token_id}/revoke", headers=bearer(coordinator)).status_code
        == 204
    )
    assert (
        client.post(
            "/api/recruitment/vacancies", headers=bearer(token), json={"title": "Na intrekking"}
        ).status_code
        == 401
    )


def test_duplicate_network_slug_is_a_conflict(app):
    client = app.test_client()
    platform = platform_token(app)
    open_network(client, platform, slug="leiden")
    response = client.post(
        "/api/recruitment/networks", headers=bearer(platform), json={"name": "Nog een", "slug": "leiden"}
    )
    assert response.status_code == 409


def test_public_vacancy_list_api_needs_a_known_network(app):
    client, _, _token = organisation_with_token(app)
    assert client.get("/api/recruitment/vacancies").status_code == 422
    assert client.get("/api/recruitment/vacancies?network=nowhere").status_code == 404
    assert client.get("/api/recruitment/vacancies?network=enkhuizen").get_json()["items"] == []
