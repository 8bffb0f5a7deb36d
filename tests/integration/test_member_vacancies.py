"""A member's vacancies and responses in pages and the API alike: withdrawing, the rule for editing
a published vacancy, a note on a response, who sees a volunteer's details, the editor's schema and
its Dutch messages, the sanitised description, and e-mail links that lead straight to the page."""

import re
from urllib.parse import urlparse

import pytest

from services.recruitment.api.schemas import VacancyInputSchema
from services.recruitment.domain import safe_description
from tests.integration.test_portal import follow_login, log_in
from tests.support.forms import assert_form_offers_schema
from tests.support.placements import csrf
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration
HUMANITAS = "humanitas@enkhuizen.example.org"
ZONNEBLOEM = "zonnebloem@enkhuizen.example.org"


@pytest.fixture
def app(stack):
    return stack.app("recruitment")


def member(app, net, email):
    client, link = log_in(app, net, email)
    assert follow_login(client, link).status_code == 303
    return client


def respond(net, vacancy_id, email="sanne@example.org"):
    answer = net.client.post(
        f"/api/recruitment/vacancies/{vacancy_id}/responses",
        json={"name": "Sanne", "email": email, "phone": "0612345678", "consent": True},
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def in_bank(net, vacancy_id) -> bool:
    found = net.client.get(f"/api/recruitment/vacancies?network={net.slug}").get_json()["items"]
    return vacancy_id in [v["id"] for v in found]


# --- use cases through the API -----------------------------------------------------------------


def test_a_submitted_vacancy_is_withdrawn_back_to_draft_once(app):
    net = network_with_members(app, moderated=True)
    vacancy = net.draft("Humanitas")
    assert net.step("Humanitas", vacancy["id"], "submit").get_json()["status"] == "submitted"
    assert net.step("Zonnebloem", vacancy["id"], "withdraw").status_code == 403
    assert net.step("Humanitas", vacancy["id"], "withdraw").get_json()["status"] == "draft"
    again = net.step("Humanitas", vacancy["id"], "withdraw")
    assert again.status_code in (409, 422) and "withdrawn" in again.get_data(as_text=True)


def test_editing_a_published_vacancy_in_a_moderated_network_goes_back_to_the_coordinator(app):
    net = network_with_members(app, moderated=True)
    vacancy = net.publish("Humanitas", title="Maatje gezocht")
    edited = net.step("Humanitas", vacancy["id"], "revise", {"title": "Nieuw"})
    assert edited.status_code == 200 and edited.get_json()["status"] == "submitted"
    assert not in_bank(net, vacancy["id"])
    assert [e["title"] for e in events(app, "recruitment.vacancy_submitted.v1")][-1] == "Nieuw"
    approved = net.step("coordinator", vacancy["id"], "approve").get_json()
    assert approved["status"] == "published" and approved["published_at"] == vacancy["published_at"]
    assert in_bank(net, vacancy["id"])


def test_editing_a_published_vacancy_in_an_open_network_shows_at_once(app):
    net = network_with_members(app)
    vacancy = net.publish("Humanitas", title="Maatje gezocht")
    edited = net.step("Humanitas", vacancy["id"], "revise", {"place": "Oost"})
    assert edited.get_json()["status"] == "published" and edited.get_json()["place"] == "Oost"
    assert in_bank(net, vacancy["id"])


def test_a_draft_is_not_revised_but_edited_and_an_ended_vacancy_neither(app):
    net = network_with_members(app)
    assert (
        net.step("Humanitas", net.draft("Humanitas")["id"], "revise", {"title": "Later"}).status_code == 409
    )
    vacancy = net.publish("Humanitas")
    net.step("Humanitas", vacancy["id"], "close", {"reason": "filled"})
    assert net.step("Humanitas", vacancy["id"], "revise", {"title": "Later"}).status_code == 409
    assert net.step("Zonnebloem", vacancy["id"], "revise", {"title": "Later"}).status_code == 403


def test_a_response_moves_on_with_a_note_that_the_api_shows(app):
    net = network_with_members(app)
    vacancy = net.publish("Humanitas")
    response_id = respond(net, vacancy["id"])
    moved = net.client.patch(
        f"/api/recruitment/responses/{response_id}",
        headers=net.token("Humanitas"),
        json={"status": "contacted", "note": "Kennismaking dinsdag 10 uur"},
    )
    assert moved.status_code == 200 and moved.get_json()["note"] == "Kennismaking dinsdag 10 uur"
    started = net.client.patch(
        f"/api/recruitment/responses/{response_id}",
        headers=net.token("Humanitas"),
        json={"status": "started"},
    )
    assert (
        started.get_json()["status"] == "started"
        and started.get_json()["note"] == "Kennismaking dinsdag 10 uur"
    )


def test_the_sanitiser_keeps_what_the_toolbar_makes_and_drops_scripts():
    html = (
        "<div><strong>Vet</strong> <em>schuin</em> <del>weg</del><br>"
        '<a href="https://x.nl" onclick="x()">link</a></div>'
        "<h1>Kop</h1><blockquote>Citaat</blockquote><ul><li>een</li></ul><ol><li>twee</li></ol>"
        '<script>alert(1)</script><img src="x" onerror="alert(2)"><a href="javascript:alert(3)">kwaad</a>'
    )
    clean = safe_description(html)
    for kept in (
        "<div>",
        "<strong>",
        "<em>",
        "<del>",
        "<br>",
        "<h3>Kop</h3>",
        "<blockquote>",
        "<ul>",
        "<ol>",
    ):
        assert kept in clean
    for gone in ("<script", "alert(1)", "onerror", "onclick", "<img", "javascript:", "<h1>"):
        assert gone not in clean


# --- pages ---------------------------------------------------------------------------------------


def test_the_editor_offers_every_field_the_api_takes(app):
    net = network_with_members(app)
    html = member(app, net, HUMANITAS).get("/portaal/vacatures/nieuw").get_data(as_text=True)
    assert_form_offers_schema(html, VacancyInputSchema(), action="/portaal/vacatures/nieuw")
    assert "Vriendschappelijk huisbezoek" in html  # the network's categories to choose from


def test_the_editor_refuses_wrong_values_in_dutch_beside_each_field_and_keeps_what_was_typed(app):
    net = network_with_members(app)
    client = member(app, net, HUMANITAS)
    page = client.get("/portaal/vacatures/nieuw").get_data(as_text=True)
    answer = client.post(
        "/portaal/vacatures/nieuw",
        data={
            "csrf_token": csrf(page),
            "title": "Ma",
            "minimum_age": "5",
            "start_date": "2027-03-01",
            "end_date": "2027-02-01",
            "place": "Enkhuizen",
        },
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="f-title-error"' in html and 'id="f-minimum_age-error"' in html
    assert "Gebruik 3 tot 200 tekens." in html and 'value="Enkhuizen"' in html
    ordered = client.post(
        "/portaal/vacatures/nieuw",
        data={
            "csrf_token": csrf(page),
            "title": "Maatje",
            "start_date": "2027-03-01",
            "end_date": "2027-02-01",
        },
    )
    assert ordered.status_code == 422 and 'id="f-end_date-error"' in ordered.get_data(as_text=True)


def test_a_draft_made_in_the_editor_has_every_field_and_a_safe_description(app):
    net = network_with_members(app, moderated=True)
    client = member(app, net, HUMANITAS)
    page = client.get("/portaal/vacatures/nieuw").get_data(as_text=True)
    saved = client.post(
        "/portaal/vacatures/nieuw",
        data={
            "csrf_token": csrf(page),
            "title": "Maatje voor mevrouw",
            "description": "<div>Hallo <strong>jij</strong></div><script>x()</script>",
            "category": "buddy-care",
            "areas": "Binnenstad, Oost",
            "place": "Enkhuizen",
            "hours_per_week": "3",
            "period": "dinsdagochtend",
            "frequency": "biweekly",
            "long_term": "1",
            "start_date": "2027-01-04",
            "end_date": "2027-06-30",
            "vog_required": "1",
            "minimum_age": "18",
            "languages": "Nederlands, Engels",
            "suitable_for_students": "1",
            "contact_name": "Anne",
            "contact_email": "anne@example.org",
            "contact_phone": "0228 123456",
        },
    )
    assert saved.status_code == 303
    vacancy_id = saved.location.rsplit("/", 1)[1]
    body = net.client.get(
        f"/api/recruitment/vacancies/{vacancy_id}", headers=net.token("Humanitas")
    ).get_json()
    assert body["description"] == "<div>Hallo <strong>jij</strong></div>"
    assert body["areas"] == ["Binnenstad", "Oost"] and body["languages"] == ["Nederlands", "Engels"]
    assert (body["category"]["key"], body["hours_per_week"], body["frequency"]) == (
        "buddy-care",
        3,
        "biweekly",
    )
    assert body["long_term"] and body["vog_required"] and body["suitable_for_students"]
    assert (body["start_date"], body["end_date"], body["minimum_age"]) == ("2027-01-04", "2027-06-30", 18)
    assert (body["contact_name"], body["contact_email"], body["contact_phone"]) == (
        "Anne",
        "anne@example.org",
        "0228 123456",
    )
    preview = client.get(f"/portaal/vacatures/{vacancy_id}").get_data(as_text=True)
    assert "Maatje voor mevrouw" in preview and "Concept" in preview and "Indienen ter goedkeuring" in preview


def test_the_edit_page_of_a_published_vacancy_says_it_goes_back_to_the_coordinator(app):
    net = network_with_members(app, moderated=True)
    vacancy = net.publish("Humanitas", title="Maatje gezocht")
    client = member(app, net, HUMANITAS)
    page = client.get(f"/portaal/vacatures/{vacancy['id']}/bewerken").get_data(as_text=True)
    assert "gaan je wijzigingen naar de coördinator" in page
    saved = client.post(
        f"/portaal/vacatures/{vacancy['id']}/bewerken",
        data={"csrf_token": csrf(page), "title": "Maatje gezocht!", "frequency": "weekly"},
        follow_redirects=True,
    )
    assert "Wijzigingen ter goedkeuring naar de coördinator gestuurd" in saved.get_data(as_text=True)
    assert not in_bank(net, vacancy["id"])


def test_closing_asks_first_and_then_closes_as_filled(app):
    net = network_with_members(app)
    vacancy = net.publish("Humanitas")
    client = member(app, net, HUMANITAS)
    ask = client.get(f"/portaal/vacatures/{vacancy['id']}/afsluiten/filled").get_data(as_text=True)
    assert "Weet je het zeker?" in ask and in_bank(net, vacancy["id"])
    done = client.post(
        f"/portaal/vacatures/{vacancy['id']}/afsluiten/filled",
        data={"csrf_token": csrf(ask)},
        follow_redirects=True,
    )
    assert "Vacature afgesloten als vervuld" in done.get_data(as_text=True)
    assert not in_bank(net, vacancy["id"])


def test_a_volunteers_details_show_only_to_the_vacancys_publishers(app):
    net = network_with_members(app)
    vacancy = net.publish("Humanitas", title="Maatje gezocht")
    response_id = respond(net, vacancy["id"])
    humanitas = member(app, net, HUMANITAS)
    assert "0612345678" in humanitas.get(f"/portaal/reacties/{response_id}").get_data(as_text=True)
    zonnebloem = member(app, net, ZONNEBLOEM)
    assert zonnebloem.get(f"/portaal/reacties/{response_id}").status_code == 403
    assert "Sanne" not in zonnebloem.get("/portaal/reacties").get_data(as_text=True)
    draft = net.draft("Humanitas", title="Nog geheim")
    assert zonnebloem.get(f"/portaal/vacatures/{draft['id']}").status_code == 404
    assert zonnebloem.get(f"/portaal/vacatures/{draft['id']}/bewerken").status_code == 404


def test_a_response_moves_on_with_a_note_on_its_page(app):
    net = network_with_members(app)
    vacancy = net.publish("Humanitas")
    response_id = respond(net, vacancy["id"])
    client = member(app, net, HUMANITAS)
    page = client.get(f"/portaal/reacties/{response_id}").get_data(as_text=True)
    moved = client.post(
        f"/portaal/reacties/{response_id}/status",
        data={"csrf_token": csrf(page), "status": "contacted", "note": "Gebeld, dinsdag kennismaking"},
        follow_redirects=True,
    )
    html = moved.get_data(as_text=True)
    assert "Gebeld, dinsdag kennismaking" in html and "Reactie gemarkeerd als benaderd" in html
    listed = client.get("/portaal/reacties?status=contacted").get_data(as_text=True)
    assert "Sanne" in listed and "Sanne" not in client.get("/portaal/reacties?status=new").get_data(
        as_text=True
    )


def test_the_invitation_and_response_events_link_to_the_page_where_the_member_acts(app):
    net = network_with_members(app)
    vacancy = net.draft("Humanitas", title="Samen zoeken")
    client = member(app, net, HUMANITAS)
    page = client.get(f"/portaal/vacatures/{vacancy['id']}").get_data(as_text=True)
    assert "Zonnebloem" in page
    sent = client.post(
        f"/portaal/vacatures/{vacancy['id']}/uitnodigen",
        data={"csrf_token": csrf(page), "organisation_id": net.id("Zonnebloem")},
        follow_redirects=True,
    )
    assert "Uitnodiging verstuurd" in sent.get_data(as_text=True)
    invited = events(app, "recruitment.co_publishing_invited.v1")[-1]
    assert urlparse(invited["url"]).path == f"/portaal/vacatures/{vacancy['id']}"
    net.step("Humanitas", vacancy["id"], "submit")
    response_id = respond(net, vacancy["id"])
    received = events(app, "recruitment.response_received.v1")[-1]
    assert urlparse(received["portal_url"]).path == f"/portaal/reacties/{response_id}"
    assert re.search(r"/vacatures/", urlparse(received["url"]).path)  # the volunteer's link stays public
