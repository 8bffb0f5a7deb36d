"""The API additions of the registry back office: a coordinator lists, issues and revokes the API
tokens of a member's or partner's own system (the secret only once), edits an education partner's
agreement period, and sets the network's language and whether members edit their own entry."""

import pytest

from tests.support.flows import bearer
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration
TOKENS = "/api/recruitment/tokens"


@pytest.fixture
def net(stack):
    return network_with_members(stack.app("recruitment"))


def issue(net, **body):
    return net.client.post(TOKENS, headers=bearer(net.coordinator), json=body)


def test_a_token_issued_for_a_member_works_is_listed_without_its_secret_and_stops_when_revoked(net):
    answer = issue(net, organisation_id=net.id("Present"), name="website")
    assert answer.status_code == 201, answer.get_json()
    secret, token = answer.get_json()["secret"], answer.get_json()["token"]
    assert token["role"] == "organisation" and token["organisation_id"] == net.id("Present")
    assert net.client.get("/api/recruitment/vacancies/mine", headers=bearer(secret)).status_code == 200
    listed = net.client.get(f"{TOKENS}?organisation_id={net.id('Present')}", headers=bearer(net.coordinator))
    assert [t["name"] for t in listed.get_json()] == ["website", "organisation Present"]
    assert secret not in listed.get_data(as_text=True) and "token_hash" not in listed.get_data(as_text=True)
    assert events(net.client.application, "recruitment.api_token_issued.v1")[-1]["token_id"] == token["id"]
    revoked = net.client.post(f"{TOKENS}/{token['id']}/revoke", headers=bearer(net.coordinator))
    assert revoked.status_code == 204
    assert net.client.get("/api/recruitment/vacancies/mine", headers=bearer(secret)).status_code == 401


def test_a_token_names_exactly_one_holder_of_the_coordinators_own_network(net, stack):
    assert issue(net, name="x").status_code == 422
    both = issue(net, name="x", organisation_id=net.id("Present"), partner_id="p")
    assert both.status_code == 422
    other = network_with_members(stack.app("recruitment"), slug="hoorn")
    assert issue(other, organisation_id=net.id("Present"), name="x").status_code == 404


def test_a_member_may_not_list_or_issue_tokens(net):
    headers = net.token("Humanitas")
    assert (
        net.client.get(f"{TOKENS}?organisation_id={net.id('Humanitas')}", headers=headers).status_code == 403
    )
    body = {"organisation_id": net.id("Humanitas"), "name": "x"}
    assert net.client.post(TOKENS, headers=headers, json=body).status_code == 403


def test_the_coordinator_sets_and_ends_an_education_partners_agreement(net):
    body = {
        "institution": "Horizon College",
        "programme": "Zorg",
        "contact_name": "Joost",
        "contact_email": "joost@horizon.example.org",
        "agreement_starts": "2026-09-01",
    }
    created = net.client.post(
        "/api/recruitment/education-partners", headers=bearer(net.coordinator), json=body
    )
    partner_id = created.get_json()["partner"]["id"]
    path = f"/api/recruitment/education-partners/{partner_id}"
    wrong = {"agreement_starts": "2026-09-01", "agreement_ends": "2026-08-01"}
    assert net.client.patch(path, headers=bearer(net.coordinator), json=wrong).status_code == 422
    ended = net.client.patch(path, headers=bearer(net.coordinator), json={"agreement_ends": "2027-07-31"})
    assert ended.status_code == 200, ended.get_json()
    assert ended.get_json()["agreement_starts"] == "2026-09-01"
    assert ended.get_json()["agreement_ends"] == "2027-07-31"
    alone = net.client.patch(path, headers=bearer(net.coordinator), json={"agreement_ends": "2026-08-01"})
    assert (
        alone.status_code == 422 and "agreement_ends" in alone.get_json()["errors"]
    )  # before the stored start
    partner_key = issue(net, partner_id=partner_id, name="studentenadministratie")
    assert partner_key.status_code == 201 and partner_key.get_json()["token"]["role"] == "education_partner"


def test_the_network_keeps_its_language_and_whether_members_edit_their_own_entry(net):
    changes = {"language": "en", "members_edit_profile": True}
    answer = net.client.patch("/api/recruitment/networks/mine", headers=bearer(net.coordinator), json=changes)
    assert answer.status_code == 200
    assert answer.get_json()["language"] == "en" and answer.get_json()["members_edit_profile"] is True
    moderated = {"moderated": True}
    assert net.client.patch("/api/recruitment/networks/mine", headers=bearer(net.coordinator), json=moderated)
    draft = net.draft("Humanitas")
    assert net.step("Humanitas", draft["id"], "submit").get_json()["status"] == "submitted"
    [asked] = events(net.client.application, "recruitment.vacancy_submitted.v1")
    assert asked["moderator"]["language"] == "en"  # the coordinator's mail is in the network's language
    assert asked["url"].endswith("/portaal/moderatie")  # straight to the queue
    wrong = {"language": "de"}
    assert (
        net.client.patch(
            "/api/recruitment/networks/mine", headers=bearer(net.coordinator), json=wrong
        ).status_code
        == 422
    )
