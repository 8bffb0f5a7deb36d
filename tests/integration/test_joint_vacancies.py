"""Joint vacancies: co-publishing, moderation, the member portal, closing and expiry, per role."""

from datetime import UTC, datetime, timedelta

import pytest

from services.recruitment.usecases import vacancies
from tests.support.flows import bearer
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration


@pytest.fixture
def app(stack):
    return stack.app("recruitment")


def test_accepted_co_publishers_are_shown_by_name_and_declined_ones_are_not(app):
    net = network_with_members(app)
    vacancy = net.draft("Humanitas")
    for partner in ("Zonnebloem", "Present"):
        net.step("Humanitas", vacancy["id"], "co-publishers", {"organisation_id": net.id(partner)})
    assert net.step("Zonnebloem", vacancy["id"], "accept").status_code == 200
    assert net.step("Present", vacancy["id"], "decline").status_code == 200
    published = net.step("Humanitas", vacancy["id"], "submit").get_json()
    assert published["publishers"] == ["Humanitas", "Zonnebloem"]
    page = net.client.get(f"/vacatures/{vacancy['id']}").get_data(as_text=True)
    assert "Humanitas" in page and "Zonnebloem" in page and "humanistisch" in page
    assert "Present" not in page
    [invitation, _] = events(app, "recruitment.co_publishing_invited.v1")
    assert invitation["invitee"]["email"] == "zonnebloem@enkhuizen.example.org"


def test_only_the_drafter_invites_and_only_the_invitee_answers(app):
    net = network_with_members(app)
    vacancy = net.draft("Humanitas")
    invite = {"organisation_id": net.id("Present")}
    assert net.step("Zonnebloem", vacancy["id"], "co-publishers", invite).status_code == 403
    assert net.step("Humanitas", vacancy["id"], "co-publishers", invite).status_code == 200
    assert net.step("Zonnebloem", vacancy["id"], "accept").status_code == 404
    assert net.step("Humanitas", vacancy["id"], "co-publishers", invite).status_code == 409
    unknown = net.step("Humanitas", vacancy["id"], "co-publishers", {"organisation_id": "nope"})
    assert unknown.status_code == 404


def test_a_moderated_network_publishes_only_after_the_coordinator_approves(app):
    net = network_with_members(app, moderated=True)
    vacancy = net.draft("Humanitas", description="<p>Wekelijks</p><script>alert(1)</script>")
    submitted = net.step("Humanitas", vacancy["id"], "submit").get_json()
    assert submitted["status"] == "submitted" and "<script>" not in submitted["description"]
    assert net.client.get(f"/vacatures/{vacancy['id']}").status_code == 404
    assert net.step("Humanitas", vacancy["id"], "approve").status_code == 403
    queue = net.client.get("/api/recruitment/vacancies/moderation", headers=bearer(net.coordinator))
    assert [v["id"] for v in queue.get_json()] == [vacancy["id"]]
    [moderation] = events(app, "recruitment.vacancy_submitted.v1")
    assert moderation["moderator"]["email"] == "coordinator@example.org"
    assert net.step("coordinator", vacancy["id"], "approve").get_json()["status"] == "published"
    assert net.client.get(f"/vacatures/{vacancy['id']}").status_code == 200


def test_a_rejected_vacancy_returns_to_draft_with_a_reason_the_member_sees(app):
    net = network_with_members(app, moderated=True)
    vacancy = net.draft("Humanitas")
    net.step("Humanitas", vacancy["id"], "submit")
    rejected = net.step("coordinator", vacancy["id"], "reject", {"reason": "Vermeld de uren per week."})
    assert rejected.get_json()["status"] == "draft"
    mine = net.client.get("/api/recruitment/vacancies/mine", headers=net.token("Humanitas")).get_json()
    assert mine[0]["rejection_reason"] == "Vermeld de uren per week."
    assert events(app, "recruitment.vacancy_rejected.v1")[0]["reason"] == "Vermeld de uren per week."
    assert net.step("coordinator", vacancy["id"], "reject", {}).status_code == 422


def test_member_portal_lists_own_and_co_published_but_not_others(app):
    net = network_with_members(app)
    own = net.publish("Humanitas", title="Eigen vacature")
    joint = net.publish("Zonnebloem", co_publishers=("Humanitas",), title="Samen gepubliceerd")
    net.publish("Present", title="Van een ander")
    mine = net.client.get("/api/recruitment/vacancies/mine", headers=net.token("Humanitas")).get_json()
    assert {v["id"] for v in mine} == {own["id"], joint["id"]}


def test_a_member_edits_only_its_own_drafts(app):
    net = network_with_members(app)
    vacancy = net.draft("Humanitas")
    url = f"/api/recruitment/vacancies/{vacancy['id']}"
    assert (
        net.client.patch(url, headers=net.token("Zonnebloem"), json={"title": "Overgenomen"}).status_code
        == 403
    )
    assert (
        net.client.patch(url, headers=net.token("Humanitas"), json={"hours_per_week": 3}).status_code == 200
    )
    net.step("Humanitas", vacancy["id"], "submit")
    assert net.client.patch(url, headers=net.token("Humanitas"), json={"title": "Later"}).status_code == 409


def test_closing_as_filled_and_duplicating_for_next_year(app):
    net = network_with_members(app)
    vacancy = net.publish("Humanitas", co_publishers=("Zonnebloem",), areas=["Binnenstad"])
    assert net.step("Zonnebloem", vacancy["id"], "close", {"reason": "filled"}).status_code == 403
    assert (
        net.step("Humanitas", vacancy["id"], "close", {"reason": "filled"}).get_json()["status"] == "filled"
    )
    assert events(app, "recruitment.vacancy_closed.v1")[0]["reason"] == "filled"
    copy = net.step("Humanitas", vacancy["id"], "duplicate").get_json()
    assert copy["status"] == "draft" and copy["id"] != vacancy["id"]
    assert copy["title"] == vacancy["title"] and copy["areas"] == ["Binnenstad"]


def test_end_date_before_start_date_is_refused_with_a_field_message(app):
    net = network_with_members(app)
    response = net.client.post(
        "/api/recruitment/vacancies",
        headers=net.token("Humanitas"),
        json={"title": "Zomerproject", "start_date": "2027-07-01", "end_date": "2027-06-01"},
    )
    assert response.status_code == 422 and "end_date" in response.get_json()["errors"]


def test_vacancies_expire_after_their_end_date(app):
    net = network_with_members(app)
    today = datetime.now(UTC).date()
    ending = net.publish("Humanitas", end_date=(today + timedelta(days=1)).isoformat())
    lasting = net.publish("Humanitas", title="Blijft staan")
    with app.extensions["knoop"].db.transaction() as session:
        assert vacancies.expire_due(session, today + timedelta(days=2)) == 1
    assert net.client.get(f"/api/recruitment/vacancies/{ending['id']}").status_code == 404
    assert net.client.get(f"/api/recruitment/vacancies/{lasting['id']}").status_code == 200
    assert events(app, "recruitment.vacancy_closed.v1")[0]["reason"] == "expired"


def test_coordinator_edits_and_removes_members_and_removed_members_lose_access(app):
    net = network_with_members(app)
    url = f"/api/recruitment/organisations/{net.id('Present')}"
    edited = net.client.patch(
        url, headers=bearer(net.coordinator), json={"activities": ["odd-jobs", "shopping"]}
    )
    assert {a["key"] for a in edited.get_json()["activities"]} == {"odd-jobs", "shopping"}
    assert net.client.patch(url, headers=net.token("Humanitas"), json={"name": "X"}).status_code == 403
    assert net.client.delete(url, headers=bearer(net.coordinator)).status_code == 204
    assert events(app, "recruitment.organisation_removed.v1") == [{"organisation_id": net.id("Present")}]
    listed = net.client.get(f"/api/recruitment/organisations?network={net.slug}").get_json()
    assert "Present" not in {o["name"] for o in listed}
    assert (
        net.client.post(
            "/api/recruitment/vacancies", headers=net.token("Present"), json={"title": "Na verwijdering"}
        ).status_code
        == 401
    )


def test_who_offers_what_shows_members_by_activity(app):
    net = network_with_members(app)
    page = net.client.get(f"/n/{net.slug}/wie-doet-wat").get_data(as_text=True)
    assert "Wie doet wat" in page and "Klussendienst" in page and "Uitstapjes en vakanties" in page
    assert page.count("✔") == 4  # Humanitas 2, Zonnebloem 1, Present 1
    assert "@media print" in page and "size: A4" in page


def test_the_coordinator_renames_and_removes_categories_but_not_one_in_use(app):
    net = network_with_members(app)
    net.publish("Humanitas", category="buddy-care")
    headers = bearer(net.coordinator)
    renamed = net.client.patch(
        "/api/recruitment/categories/buddy-care", headers=headers, json={"name": "Maatjes"}
    )
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Maatjes"
    assert net.client.delete("/api/recruitment/categories/buddy-care", headers=headers).status_code == 409
    assert (
        net.client.delete("/api/recruitment/categories/shopping", headers=net.token("Humanitas")).status_code
        == 403
    )
    assert net.client.delete("/api/recruitment/categories/odd-jobs", headers=headers).status_code == 204
    keys = {c["key"] for c in net.client.get(f"/api/recruitment/categories?network={net.slug}").get_json()}
    assert "odd-jobs" not in keys and "buddy-care" in keys
    present = next(
        o
        for o in net.client.get(f"/api/recruitment/organisations?network={net.slug}").get_json()
        if o["name"] == "Present"
    )
    assert present["activities"] == []
