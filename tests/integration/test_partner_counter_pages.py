"""The discount partner's start page (today's redemptions with undo, the offers, the figures) and
the counter showing an offer this pass can no longer use, with why and from when."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from services.appreciation.domain.clock import LOCAL_TIME
from services.appreciation.models import Redemption
from shared.db import utcnow
from tests.support.appreciation import MUSEUM, THEATRE, page_session, with_two_partners
from tests.support.placements import csrf

pytestmark = pytest.mark.integration


@pytest.fixture
def pn(stack):
    return with_two_partners(stack)


@pytest.fixture
def redeemed(pn):
    """Joop's pass redeemed once for the theatre's once-offer."""
    offer = pn.offer(THEATRE, "Twee kaartjes voor de prijs van één", usage="once")
    joop = pn.nominate("Humanitas", "Joop Visser")
    answer = pn.redeem(THEATRE, offer, number=joop["number"])
    assert answer.status_code == 201, answer.get_json()
    return {"offer": offer, "number": joop["number"], "redemption": answer.get_json()["redemption_id"]}


def test_the_start_page_lists_todays_redemption_with_the_last_four_digits_and_the_offers(pn, redeemed):
    page = page_session(pn, THEATRE).get("/waardering/partner")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Inwisselingen van vandaag" in text
    digits = redeemed["number"].replace(" ", "")
    assert f"pas eindigend op {digits[-4:]}" in text and digits not in text
    assert re.search(r"<strong>\d\d:\d\d</strong> · Twee kaartjes", text)
    assert (
        "Ongedaan maken" in text
        and f"/waardering/partner/inwisselingen/{redeemed['redemption']}/ongedaan" in text
    )
    assert 'href="/waardering/kassa"' in text
    assert 'href="/waardering/partner/cijfers"' in text


def test_a_redemption_is_undone_from_the_start_page_within_the_window(pn, redeemed):
    client = page_session(pn, THEATRE)
    page = client.get("/waardering/partner").get_data(as_text=True)
    answer = client.post(
        f"/waardering/partner/inwisselingen/{redeemed['redemption']}/ongedaan",
        data={"csrf_token": csrf(page)},
        follow_redirects=True,
    )
    text = answer.get_data(as_text=True)
    assert answer.request.path == "/waardering/partner" and "De inwisseling is teruggedraaid." in text
    assert "teruggedraaid" in text and f"{redeemed['redemption']}/ongedaan" not in text  # no second undo
    again = pn.redeem(THEATRE, redeemed["offer"], number=redeemed["number"])  # the slot is free again
    assert again.get_json()["outcome"] == "redeemed"


def test_after_the_undo_window_the_start_page_refuses_in_plain_dutch(pn, redeemed):
    with pn.app.extensions["knoop"].db.transaction() as session:
        session.execute(
            update(Redemption)
            .where(Redemption.id == redeemed["redemption"])
            .values(redeemed_at=utcnow() - timedelta(minutes=11))
        )
    client = page_session(pn, THEATRE)
    page = client.get("/waardering/partner").get_data(as_text=True)
    assert "Twee kaartjes" in page and f"{redeemed['redemption']}/ongedaan" not in page  # past the window
    token = csrf(client.get("/waardering/kassa").get_data(as_text=True))  # a form left open in a tab
    answer = client.post(
        f"/waardering/partner/inwisselingen/{redeemed['redemption']}/ongedaan",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "alleen binnen 10 minuten" in answer.get_data(as_text=True)
    assert (
        pn.redeem(THEATRE, redeemed["offer"], number=redeemed["number"]).get_json()["outcome"] != "redeemed"
    )


def test_the_counter_shows_a_used_once_offer_as_unavailable_with_no_button(pn, redeemed):
    monthly = pn.offer(
        THEATRE, "Koffie bij de voorstelling", usage="per_period", per_period=1, period="month"
    )
    pn.redeem(THEATRE, monthly, number=redeemed["number"])
    client = page_session(pn, THEATRE)
    counter = client.get("/waardering/kassa").get_data(as_text=True)
    page = client.post("/waardering/kassa", data={"csrf_token": csrf(counter), "number": redeemed["number"]})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'value="{redeemed["offer"]}"' not in text and f'value="{monthly}"' not in text  # no button
    once = text.split(f'id="unavailable-{redeemed["offer"]}"', 1)[1].split("</div>", 1)[0]
    assert "al gebruikt; deze aanbieding geldt één keer per pas." in once and "Weer te gebruiken" not in once
    month = text.split(f'id="unavailable-{monthly}"', 1)[1].split("</div>", 1)[0]
    assert "al gebruikt in deze periode." in month
    assert re.search(r"Weer te gebruiken vanaf 01-\d\d-\d{4}\.", month)  # the first of next month


def test_another_partner_sees_nothing_of_this_partners_redemptions(pn, redeemed):
    client = page_session(pn, MUSEUM)
    page = client.get("/waardering/partner").get_data(as_text=True)
    assert "Twee kaartjes" not in page and "Vandaag nog geen inwisselingen." in page
    counter = client.get("/waardering/kassa").get_data(as_text=True)
    looked_up = client.post(
        "/waardering/kassa", data={"csrf_token": csrf(counter), "number": redeemed["number"]}
    )
    assert "Twee kaartjes" not in looked_up.get_data(as_text=True)
    undo = client.post(
        f"/waardering/partner/inwisselingen/{redeemed['redemption']}/ongedaan",
        data={"csrf_token": csrf(counter)},
    )
    assert undo.status_code == 404
    figures = client.get("/waardering/partner/cijfers").get_data(as_text=True)
    assert "Twee kaartjes" not in figures and "Nog geen inwisselingen." in figures


def test_the_start_page_is_for_discount_partners_only(pn):
    assert pn.client.get("/waardering/partner").status_code in (302, 303, 401)


def test_the_figures_show_a_bar_per_offer_and_month_with_its_number_as_text(pn, redeemed):
    page = page_session(pn, THEATRE).get("/waardering/partner/cijfers")
    text = page.get_data(as_text=True)
    month = utcnow().astimezone(LOCAL_TIME).strftime("%Y-%m")
    assert page.status_code == 200 and "<h2>Twee kaartjes voor de prijs van één</h2>" in text
    assert re.search(
        rf'<span>{month}</span>\s*<span class="track"><span class="bar"[^>]*></span> 1 inwisseling<', text
    )
    assert 'href="/waardering/partner/cijfers.csv"' in text


def test_the_figures_download_as_csv_with_the_apis_header_and_rows(pn, redeemed):
    answer = page_session(pn, THEATRE).get("/waardering/partner/cijfers.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "inwisselingen.csv" in answer.headers["Content-Disposition"]
    month = utcnow().astimezone(LOCAL_TIME).strftime("%Y-%m")
    lines = answer.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines == [
        "partner;offer;month;redemptions",
        f"{THEATRE};Twee kaartjes voor de prijs van één;{month};1",
    ]
    api = pn.api("get", "/figures/redemptions.csv", who=THEATRE)
    assert api.get_data(as_text=True) == answer.get_data(as_text=True)


def test_another_partner_sees_none_of_the_figures(pn, redeemed):
    client = page_session(pn, MUSEUM)
    page = client.get("/waardering/partner/cijfers").get_data(as_text=True)
    assert "Twee kaartjes" not in page and "Nog geen inwisselingen." in page
    lines = client.get("/waardering/partner/cijfers.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines == ["partner;offer;month;redemptions"]


def test_the_figures_download_is_for_discount_partners_only(pn):
    assert pn.client.get("/waardering/partner/cijfers.csv").status_code in (302, 303, 401)
