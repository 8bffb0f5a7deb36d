"""A partner's offers in pages and the API: the form the schema reads, plain rules, ending, who may."""

import re
import time

import pytest
from sqlalchemy import func, select

from services.appreciation.api.schemas import OfferInputSchema
from services.appreciation.models import DiscountPartner, Offer
from shared.identity import Role
from shared.web.auth import SESSION_KEY
from tests.support.appreciation import MUSEUM, THEATRE, with_two_partners
from tests.support.forms import assert_form_offers_schema

pytestmark = pytest.mark.integration


@pytest.fixture
def pn(stack):
    return with_two_partners(stack)


def partner_client(pn, name: str, role: str = Role.DISCOUNT_PARTNER):
    """A browser logged in as the partner (the login link itself is tested in test_passes)."""
    with pn.app.extensions["knoop"].db.reader() as session:
        partner = session.get(DiscountPartner, pn.partners[name]["id"])
        network_id = partner.network_id
    client = pn.app.test_client()
    with client.session_transaction() as cookie:
        cookie[SESSION_KEY] = {
            "role": role,
            "network_id": network_id,
            "organisation_id": None,
            "partner_id": pn.partners[name]["id"] if role == Role.DISCOUNT_PARTNER else None,
            "person_id": None,
            "since": int(time.time()),
        }
    return client


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def offer_count(pn) -> int:
    with pn.app.extensions["knoop"].db.reader() as session:
        return session.scalar(select(func.count()).select_from(Offer))


def once_a_month(**fields) -> dict:
    return {
        "title": "Korting op de voorstelling",
        "discount_kind": "percentage",
        "discount_value": "25",
        "weekdays": ["1", "2", "3", "4", "5"],
        "starts_at": "10:00",
        "ends_at": "17:00",
        "usage": "per_period",
        "per_period": "1",
        "period": "month",
        "total_quantity": "50",
        "audience": "all",
        **fields,
    }


def post_new(client, data: dict):
    page = client.get("/waardering/partner/aanbod/nieuw").get_data(as_text=True)
    return client.post("/waardering/partner/aanbod/nieuw", data={"csrf_token": csrf(page), **data})


def test_the_offer_form_offers_every_rule_the_api_knows(pn):
    pn.nominate("Humanitas", "Joop Visser")  # a member to choose
    page = partner_client(pn, THEATRE).get("/waardering/partner/aanbod/nieuw")
    assert page.status_code == 200
    assert_form_offers_schema(page.get_data(as_text=True), OfferInputSchema())


def test_a_once_a_month_offer_added_in_the_form_is_listed_with_its_rules_in_plain_dutch(pn):
    client = partner_client(pn, THEATRE)
    added = post_new(client, once_a_month())
    assert added.status_code == 303 and added.headers["Location"].endswith("/waardering/partner/aanbod")
    listed = client.get("/waardering/partner/aanbod").get_data(as_text=True)
    assert "Het aanbod is toegevoegd." in listed
    assert "1× per pas per maand, ma–vr 10–17 uur, nog 50 van 50" in listed  # noqa: RUF001
    assert "Korting op de voorstelling" in listed and "actief" in listed
    [offer] = pn.api("get", "/offers?network=enkhuizen").get_json()
    assert (
        offer["usage"] == "per_period" and offer["period"] == "month" and offer["weekdays"] == [1, 2, 3, 4, 5]
    )


def test_a_bad_value_comes_back_with_its_dutch_message_beside_the_field_and_nothing_is_written(pn):
    client = partner_client(pn, THEATRE)
    refused = post_new(client, once_a_month(discount_value="150", per_period=""))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="f-discount_value-error"' in page and "Een percentage is 1 tot en met 100." in page
    assert "Zeg hoe vaak per week, maand of jaar." in page
    assert 'value="Korting op de voorstelling"' in page  # what was typed stays
    assert offer_count(pn) == 0


def test_an_edit_changes_the_rules_and_the_summary(pn):
    client = partner_client(pn, THEATRE)
    offer_id = pn.offer(THEATRE, "Twee voor één")
    path = f"/waardering/partner/aanbod/{offer_id}/bewerken"
    page = client.get(path).get_data(as_text=True)
    assert 'value="Twee voor één"' in page
    data = {"title": "Twee voor één", "discount_kind": "two_for_one", "usage": "once", "audience": "students"}
    assert client.post(path, data={"csrf_token": csrf(page), **data}).status_code == 303
    listed = client.get("/waardering/partner/aanbod").get_data(as_text=True)
    assert "1× per pas, alleen studenten" in listed  # noqa: RUF001


def test_an_offer_saved_unchanged_in_the_editor_keeps_every_rule(pn):
    client = partner_client(pn, THEATRE)
    rules = {
        "discount_kind": "amount",
        "discount_value": 2.5,
        "valid_from": "2026-01-01",
        "valid_until": "2099-12-31",
        "weekdays": [6, 7],
        "starts_at": "10:30:00",
        "ends_at": "17:00:00",
        "usage": "per_period",
        "per_period": 2,
        "period": "week",
        "total_quantity": 40,
        "audience": "students",
    }
    offer_id = pn.offer(THEATRE, "Koffie", **rules)
    path = f"/waardering/partner/aanbod/{offer_id}/bewerken"
    page = client.get(path).get_data(as_text=True)
    assert 'value="10:30"' in page and 'name="weekdays" value="6" checked' in page
    form = {"csrf_token": csrf(page), "title": "Koffie", "discount_value": "2,50", "weekdays": ["6", "7"]}
    form |= {k: str(v) for k, v in rules.items() if k not in ("discount_value", "weekdays")}
    form |= {"starts_at": "10:30", "ends_at": "17:00"}
    assert client.post(path, data=form).status_code == 303
    [offer] = pn.api("get", "/offers?network=enkhuizen").get_json()
    assert {k: offer[k] for k in rules} == rules
    listed = client.get("/waardering/partner/aanbod").get_data(as_text=True)
    assert "2× per pas per week, za–zo 10:30–17 uur, 01-01-2026 t/m 31-12-2099" in listed  # noqa: RUF001


def test_ending_an_offer_asks_first_and_then_takes_it_off_the_public_list(pn):
    client = partner_client(pn, THEATRE)
    offer_id = pn.offer(THEATRE, "Twee voor één")
    question = client.get(f"/waardering/partner/aanbod/{offer_id}/beeindigen")
    assert question.status_code == 200 and "Weet je het zeker?" in question.get_data(as_text=True)
    assert pn.api("get", "/offers?network=enkhuizen").get_json()  # asking changed nothing
    ended = client.post(
        f"/waardering/partner/aanbod/{offer_id}/beeindigen",
        data={"csrf_token": csrf(question.get_data(as_text=True))},
    )
    assert ended.status_code == 303
    listed = client.get("/waardering/partner/aanbod").get_data(as_text=True)
    assert "Het aanbod is beëindigd." in listed and "beëindigd" in listed
    assert pn.api("get", "/offers?network=enkhuizen").get_json() == []
    assert client.get(f"/waardering/partner/aanbod/{offer_id}/bewerken").status_code == 404


def test_another_partner_can_neither_open_nor_change_an_offer(pn):
    offer_id = pn.offer(THEATRE, "Twee voor één")
    other = partner_client(pn, MUSEUM)
    assert "Twee voor één" not in other.get("/waardering/partner/aanbod").get_data(as_text=True)
    assert other.get(f"/waardering/partner/aanbod/{offer_id}/bewerken").status_code == 404
    token = csrf(other.get("/waardering/partner/aanbod/nieuw").get_data(as_text=True))
    changed = other.post(
        f"/waardering/partner/aanbod/{offer_id}/bewerken",
        data={"csrf_token": token, "title": "Van mij", "discount_kind": "free"},
    )
    ended = other.post(f"/waardering/partner/aanbod/{offer_id}/beeindigen", data={"csrf_token": token})
    assert changed.status_code == 404 and ended.status_code == 404
    [offer] = pn.api("get", "/offers?network=enkhuizen").get_json()
    assert offer["title"] == "Twee voor één"


def test_the_offer_pages_are_for_discount_partners_only(pn):
    anonymous = pn.app.test_client().get("/waardering/partner/aanbod")
    assert anonymous.status_code == 303 and "/waardering/inloggen" in anonymous.headers["Location"]
    coordinator = partner_client(pn, THEATRE, role=Role.COORDINATOR)
    assert coordinator.get("/waardering/partner/aanbod").status_code == 403
    assert coordinator.get("/waardering/partner/aanbod/nieuw").status_code == 403


# --- the same use cases through the API ------------------------------------------------------


def test_a_partner_changes_its_offer_through_the_api_and_nobody_else_can(pn):
    offer_id = pn.offer(THEATRE, "Twee voor één")
    body = {"title": "Gratis koffie", "discount_kind": "free", "usage": "once", "total_quantity": 10}
    changed = pn.api("put", f"/offers/{offer_id}", who=THEATRE, json=body)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["title"] == "Gratis koffie" and changed.get_json()["usage"] == "once"
    assert pn.api("put", f"/offers/{offer_id}", who=MUSEUM, json=body).status_code == 404
    assert pn.api("put", "/offers/no-such-offer", who=THEATRE, json=body).status_code == 404
    assert pn.api("put", f"/offers/{offer_id}", json=body).status_code == 403  # the coordinator


def test_the_api_refuses_what_the_form_refuses(pn):
    offer_id = pn.offer(THEATRE, "Twee voor één")
    bad = {"title": "Korting", "discount_kind": "percentage", "discount_value": 150}
    assert pn.api("put", f"/offers/{offer_id}", who=THEATRE, json=bad).status_code == 422
    assert pn.api("post", "/offers", who=THEATRE, json=bad).status_code == 422


def test_an_ended_offer_cannot_be_changed(pn):
    offer_id = pn.offer(THEATRE, "Twee voor één")
    assert pn.api("delete", f"/offers/{offer_id}", who=THEATRE).status_code == 200
    body = {"title": "Weer aan", "discount_kind": "free"}
    assert pn.api("put", f"/offers/{offer_id}", who=THEATRE, json=body).status_code == 409
