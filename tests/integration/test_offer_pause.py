"""A partner pauses an offer of its own and switches it on again, in its pages and by API: a paused
offer is refused at the till and at the counter (read in the redemption's own query on every tap,
not from the offers a process remembers), shown unavailable at the counter and left out of what
pass holders see."""

import pytest
import schemathesis
from sqlalchemy import select

from services.appreciation.models import RedemptionAttempt
from tests.support.appreciation import MUSEUM, THEATRE, page_session, with_two_partners
from tests.support.placements import csrf

pytestmark = pytest.mark.integration
TITLE = "Twee kaartjes voor de prijs van één"


@pytest.fixture
def pn(stack):
    return with_two_partners(stack)


def holders_see(pn, email: str) -> str:
    """The offers on the holder's pass page (its history apart) and the network's public offers
    (page and API), as one text."""
    pass_url = pn.issued(email)["pass_url"].split("localhost:8000", 1)[1]
    public = pn.client.get("/api/appreciation/offers?network=enkhuizen").get_json()
    pass_page = pn.client.get(pass_url).get_data(as_text=True)
    return " ".join(
        [
            pass_page.split('<ul class="results">', 1)[1].split("</ul>", 1)[0],
            pn.client.get("/waardering/n/enkhuizen/aanbod").get_data(as_text=True),
            *(o["title"] for o in public),
        ]
    )


def test_a_paused_offer_is_refused_at_till_and_counter_and_hidden_from_holders_until_resumed(pn):
    offer = pn.offer(THEATRE, TITLE)
    joop = pn.nominate("Humanitas", "Joop Visser")
    assert pn.redeem(THEATRE, offer, number=joop["number"]).status_code == 201  # now remembered

    paused = pn.api("post", f"/offers/{offer}/pause", who=THEATRE)
    assert paused.status_code == 200 and paused.get_json()["paused"] is True
    assert paused.get_json()["paused_at"] is not None
    document = schemathesis.openapi.from_wsgi("/api/appreciation/openapi.json", pn.app)
    document["/api/appreciation/offers/{offer_id}/pause"]["POST"].validate_response(paused)
    for key in (None, "kassa-1-tik-1"):  # outside a transaction, and in one (Idempotency-Key)
        refused = pn.redeem(THEATRE, offer, number=joop["number"], key=key)
        assert refused.status_code == 409 and refused.get_json()["outcome"] == "paused", key
    assert TITLE not in holders_see(pn, "joop@example.org")

    client = page_session(pn, THEATRE)
    counter = client.get("/waardering/kassa").get_data(as_text=True)
    shown = client.post("/waardering/kassa", data={"csrf_token": csrf(counter), "number": joop["number"]})
    text = shown.get_data(as_text=True)
    assert f'value="{offer}"' not in text  # no button to redeem it
    unavailable = text.split(f'id="unavailable-{offer}"', 1)[1].split("</div>", 1)[0]
    assert "gepauzeerd door de partner." in unavailable and "Weer te gebruiken" not in unavailable
    tapped = client.post(
        "/waardering/kassa", data={"csrf_token": csrf(text), "offer_id": offer, "number": joop["number"]}
    )
    assert "Deze aanbieding is gepauzeerd." in tapped.get_data(as_text=True)
    with pn.app.extensions["knoop"].db.reader() as session:
        outcomes = list(session.scalars(select(RedemptionAttempt.outcome).order_by(RedemptionAttempt.id)))
    assert outcomes[-3:] == ["paused", "paused", "paused"]

    resumed = pn.api("post", f"/offers/{offer}/resume", who=THEATRE)
    assert resumed.status_code == 200 and resumed.get_json()["paused"] is False
    assert pn.redeem(THEATRE, offer, number=joop["number"]).status_code == 201
    assert TITLE in holders_see(pn, "joop@example.org")


def test_only_the_partner_pauses_its_own_offers_and_an_ended_one_not_at_all(pn):
    offer = pn.offer(THEATRE, TITLE)
    assert pn.api("post", f"/offers/{offer}/pause", who=MUSEUM).status_code == 404
    assert pn.api("post", f"/offers/{offer}/resume", who=MUSEUM).status_code == 404
    assert pn.api("post", f"/offers/{offer}/pause").status_code == 403  # the coordinator
    assert pn.api("post", "/offers/onbekend/pause", who=THEATRE).status_code == 404
    twice = [pn.api("post", f"/offers/{offer}/pause", who=THEATRE).get_json() for _ in range(2)]
    assert twice[0]["paused_at"] == twice[1]["paused_at"]  # pausing again keeps the moment

    assert pn.api("delete", f"/offers/{offer}", who=THEATRE).status_code == 200
    for step in ("pause", "resume"):
        assert pn.api("post", f"/offers/{offer}/{step}", who=THEATRE).status_code == 409
    assert pn.api("get", "/offers?network=enkhuizen").get_json() == []


def test_the_partner_pauses_and_switches_on_an_offer_on_its_offers_page(pn):
    offer = pn.offer(THEATRE, TITLE)
    client = page_session(pn, THEATRE)
    page = client.get("/waardering/partner/aanbod").get_data(as_text=True)
    assert "Pauzeren" in page and "actief" in page
    path = f"/waardering/partner/aanbod/{offer}/pauzeren"
    assert client.post(path).status_code == 400  # no CSRF token
    museum = page_session(pn, MUSEUM)
    museum_page = museum.get("/waardering/partner/aanbod").get_data(as_text=True)
    assert museum.post(path, data={"csrf_token": csrf(museum_page)}).status_code == 404

    done = client.post(path, data={"csrf_token": csrf(page)}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "De aanbieding is gepauzeerd" in text and "Weer aanzetten" in text
    assert '<span class="status">gepauzeerd</span>' in text
    assert pn.api("get", "/offers?network=enkhuizen").get_json() == []
    assert "gepauzeerd" in client.get("/waardering/partner").get_data(as_text=True)

    again = client.post(
        f"/waardering/partner/aanbod/{offer}/aanzetten",
        data={"csrf_token": csrf(text)},
        follow_redirects=True,
    )
    assert "De aanbieding staat weer aan." in again.get_data(as_text=True)
    assert '<span class="status">actief</span>' in again.get_data(as_text=True)
    assert [o["id"] for o in pn.api("get", "/offers?network=enkhuizen").get_json()] == [offer]
