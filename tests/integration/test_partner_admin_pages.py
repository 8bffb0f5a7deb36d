"""The coordinator's discount partners in pages: the list, admitting one (form read with the API's
schema, till token shown once, its contact welcomed with the address of its login page), editing
its name and login address; own network only."""

import re
import time

import pytest

from services.appreciation.api.schemas import DiscountPartnerInputSchema, PartnerContactSchema
from tests.support.appreciation import appreciation_events, pass_network
from tests.support.forms import assert_form_offers_schema
from tests.support.placements import csrf

pytestmark = pytest.mark.integration


@pytest.fixture
def pn(stack):
    return pass_network(stack)


def browser(pn, role: str = "coordinator", **extra):
    """A logged-in page session in the Enkhuizen network (or another, with network_id=...)."""
    client = pn.app.test_client()
    network_id = pn.net.client.application.extensions["recruitment_networks"].by_slug("enkhuizen").id
    principal = {"role": role, "network_id": network_id, "since": time.time(), **extra}
    with client.session_transaction() as stored:
        stored["principal"] = principal
    return client


def login_requested_for(pn, email: str) -> list[dict]:
    """Ask a login link at the partner's login page as anyone would; the links sent to `email`."""
    client = pn.app.test_client()
    page = client.get("/waardering/n/enkhuizen/inloggen").get_data(as_text=True)
    client.post("/waardering/n/enkhuizen/inloggen", data={"csrf_token": csrf(page), "email": email})
    return [
        e
        for e in appreciation_events(pn.app, "appreciation.partner_login_requested.v1")
        if e["recipient"]["email"] == email
    ]


def test_an_admitted_partner_shows_in_the_list_and_can_ask_a_login_link(pn):
    client = browser(pn)
    page = client.get("/waardering/partners/nieuw").get_data(as_text=True)
    assert_form_offers_schema(page, DiscountPartnerInputSchema(), action=None)
    admitted = client.post(
        "/waardering/partners/nieuw",
        data={
            "csrf_token": csrf(page),
            "name": "Filmhuis Enkhuizen",
            "place": "Enkhuizen",
            "category": "cinema",
            "contact_name": "Els Bakker",
            "contact_email": "kassa@filmhuis.example.org",
            "language": "nl",
        },
    )
    shown = admitted.get_data(as_text=True)
    assert admitted.status_code == 201 and "alleen nu" in shown and "knp_" in shown
    assert admitted.headers["Cache-Control"] == "no-store" and "een e-mail gekregen" in shown
    listed = client.get("/waardering/partners").get_data(as_text=True)
    assert "Filmhuis Enkhuizen" in listed and "Bioscoop" in listed and "kassa@filmhuis.example.org" in listed
    assert "Filmhuis Enkhuizen" in [
        p["name"] for p in pn.api("get", "/partners?network=enkhuizen").get_json()
    ]
    [welcome] = appreciation_events(pn.app, "appreciation.partner_admitted.v1")
    assert welcome["recipient"] == {
        "name": "Els Bakker",
        "email": "kassa@filmhuis.example.org",
        "language": "nl",
    }
    assert welcome["login_url"].endswith("/waardering/n/enkhuizen/inloggen")  # its login page
    assert len(login_requested_for(pn, "kassa@filmhuis.example.org")) == 1


def test_bad_input_is_shown_again_with_a_dutch_message_and_nothing_is_written(pn):
    client = browser(pn)
    page = client.get("/waardering/partners/nieuw").get_data(as_text=True)
    bad = client.post(
        "/waardering/partners/nieuw",
        data={
            "csrf_token": csrf(page),
            "name": "Het Zwembad",
            "category": "cinema",
            "contact_email": "geen-adres",
        },
    )
    shown = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert 'id="f-contact_email-error"' in shown and "e-mailadres" in shown and 'value="Het Zwembad"' in shown
    assert "Het Zwembad" not in client.get("/waardering/partners").get_data(as_text=True)


def test_the_coordinator_edits_a_partner_and_login_links_go_to_the_new_address(pn):
    museum = pn.admit_partner("Zuiderzeemuseum", contact_email="oud@museum.example.org")
    client = browser(pn)
    path = f"/waardering/partners/{museum['id']}/bewerken"
    page = client.get(path).get_data(as_text=True)
    assert 'value="oud@museum.example.org"' in page
    assert_form_offers_schema(page, PartnerContactSchema(), action=None)
    empty = client.post(path, data={"csrf_token": csrf(page), "name": "", "contact_email": "x@y.nl"})
    assert empty.status_code == 422 and 'id="f-name-error"' in empty.get_data(as_text=True)
    saved = client.post(
        path,
        data={
            "csrf_token": csrf(page),
            "name": "Het Zuiderzeemuseum",
            "contact_name": "Piet de Wit",
            "contact_email": "balie@museum.example.org",
            "language": "nl",
        },
    )
    assert saved.status_code == 303
    listed = client.get("/waardering/partners").get_data(as_text=True)
    assert "Het Zuiderzeemuseum" in listed and "Piet de Wit" in listed and "oud@museum" not in listed
    assert login_requested_for(pn, "oud@museum.example.org") == []
    assert len(login_requested_for(pn, "balie@museum.example.org")) == 1


def test_the_partner_pages_are_for_the_coordinator_of_the_network_only(pn):
    museum = pn.admit_partner("Zuiderzeemuseum")
    path = f"/waardering/partners/{museum['id']}/bewerken"
    member = browser(pn, "organisation", organisation_id=pn.net.id("Humanitas"))
    partner = browser(pn, "discount_partner", partner_id=museum["id"])
    for client in (member, partner):
        assert client.get("/waardering/partners").status_code == 403
        assert client.get(path).status_code == 403
    other = browser(pn, network_id="00000000-0000-0000-0000-000000000000")
    assert other.get(path).status_code == 404
    assert "Zuiderzeemuseum" not in other.get("/waardering/partners").get_data(as_text=True)
    assert pn.app.test_client().get("/waardering/partners").status_code in (302, 303, 401)


def test_a_till_token_is_revoked_only_after_confirming_and_stops_working(pn):
    museum = pn.admit_partner("Zuiderzeemuseum")
    offer = pn.offer("Zuiderzeemuseum", "Twee halen, één betalen")
    joop = pn.nominate("Humanitas", "Joop Visser")
    client = browser(pn)
    page = client.get(f"/waardering/partners/{museum['id']}/bewerken").get_data(as_text=True)
    assert "in gebruik" in page
    path = re.search(r'href="(/waardering/partners/[^"]+/intrekken)"', page).group(1)
    asked = client.get(path).get_data(as_text=True)
    assert "Deze kassasleutel intrekken?" in asked
    assert client.post(path, data={"csrf_token": csrf(asked)}).status_code == 303
    assert "ingetrokken" in client.get(f"/waardering/partners/{museum['id']}/bewerken").get_data(as_text=True)
    refused = pn.redeem("Zuiderzeemuseum", offer, number=joop["number"])
    assert refused.status_code in (401, 403), refused.get_json()
    assert browser(pn).get(path.replace(museum["id"], "onbekend")).status_code == 404
