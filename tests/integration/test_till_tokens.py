"""A discount partner's till tokens: the coordinator issues one (shown once), lists them (never the
secret) and revokes one, in pages and by API, in its own network only; a revoked token is refused at
the till."""

import re
import uuid

import pytest
import schemathesis

from services.appreciation.models import DiscountPartner, NetworkReplica
from tests.support.appreciation import page_session, pass_network
from tests.support.placements import csrf

pytestmark = pytest.mark.integration
MUSEUM = "Zuiderzeemuseum"


@pytest.fixture
def pn(stack):
    pn = pass_network(stack)
    pn.admit_partner(MUSEUM, category="museum")
    return pn


def redeem_with(pn, token: str, offer: str, number: str):
    body = {"offer_id": offer, "number": number}
    return pn.client.post(
        "/api/appreciation/redemptions", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def documented(pn, method: str, path: str, answer) -> None:
    document = schemathesis.openapi.from_wsgi("/api/appreciation/openapi.json", pn.app)
    document[path][method].validate_response(answer)


def test_the_coordinator_issues_lists_and_revokes_till_tokens_by_api(pn):
    museum = pn.partners[MUSEUM]["id"]
    offer = pn.offer(MUSEUM, "Twee halen, één betalen")
    joop = pn.nominate("Humanitas", "Joop Visser")
    tokens = f"/partners/{museum}/tokens"

    issued = pn.api("post", tokens, json={"name": "Kassa 2"})
    assert issued.status_code == 201 and issued.get_json()["token"].startswith("knp_")
    assert issued.headers["Cache-Control"] == "no-store"
    documented(pn, "POST", "/api/appreciation/partners/{partner_id}/tokens", issued)
    new = issued.get_json()
    assert redeem_with(pn, new["token"], offer, joop["number"]).status_code == 201

    listed = pn.api("get", tokens)
    documented(pn, "GET", "/api/appreciation/partners/{partner_id}/tokens", listed)
    rows = listed.get_json()
    assert [r["name"] for r in rows] == ["Kassa 2", f"discount partner {MUSEUM}"]
    assert all(set(r) == {"id", "name", "created_at", "revoked_at"} for r in rows)
    assert new["token"] not in listed.get_data(as_text=True)

    revoked = pn.api("delete", f"{tokens}/{new['id']}")
    assert revoked.status_code == 204
    # Still remembered by this process (it was just used): the redemption's own query refuses it.
    assert redeem_with(pn, new["token"], offer, joop["number"]).status_code == 401
    assert [r["revoked_at"] is not None for r in pn.api("get", tokens).get_json()] == [True, False]
    assert pn.redeem(MUSEUM, offer, number=joop["number"]).status_code == 201  # the first till still works
    assert pn.api("post", tokens, json={}).get_json()["name"] == f"discount partner {MUSEUM}"
    assert pn.api("post", tokens, json={"name": "k" * 201}).status_code == 422


def test_till_tokens_are_the_coordinators_of_the_partners_network_only(pn):
    museum = pn.partners[MUSEUM]["id"]
    elsewhere = str(uuid.uuid4())
    with pn.app.extensions["knoop"].db.transaction() as session:
        network_id = str(uuid.uuid4())
        session.add(NetworkReplica(id=network_id, name="Elders", slug="elders"))
        session.add(DiscountPartner(id=elsewhere, network_id=network_id, name="Bioscoop"))
    for method, body in (("get", None), ("post", {"name": "Kassa"})):
        assert pn.api(method, f"/partners/{elsewhere}/tokens", json=body).status_code == 404
        assert pn.api(method, f"/partners/{museum}/tokens", who="Humanitas", json=body).status_code == 403
        assert pn.api(method, f"/partners/{museum}/tokens", who=MUSEUM, json=body).status_code == 403
    [own] = pn.api("get", f"/partners/{museum}/tokens").get_json()
    assert pn.api("delete", f"/partners/{elsewhere}/tokens/{own['id']}").status_code == 404
    assert pn.api("delete", f"/partners/{museum}/tokens/onbekend").status_code == 404


def test_the_coordinator_issues_a_till_token_on_the_partner_page_and_sees_it_once(pn):
    museum = pn.partners[MUSEUM]["id"]
    offer = pn.offer(MUSEUM, "Twee halen, één betalen")
    joop = pn.nominate("Humanitas", "Joop Visser")
    client = page_session(pn)
    edit = client.get(f"/waardering/partners/{museum}/bewerken").get_data(as_text=True)
    assert "Nieuwe kassasleutel uitgeven" in edit and 'for="t-name"' in edit
    path = f"/waardering/partners/{museum}/sleutels/nieuw"
    assert f'action="{path}"' in edit

    too_long = client.post(path, data={"csrf_token": csrf(edit), "name": "k" * 201})
    assert too_long.status_code == 422 and 'id="t-name-error"' in too_long.get_data(as_text=True)
    assert client.post(path, data={"name": "Kassa 2"}).status_code == 422  # no CSRF token
    issued = client.post(path, data={"csrf_token": csrf(edit), "name": "Kassa 2"})
    shown = issued.get_data(as_text=True)
    assert issued.status_code == 201 and "alleen nu" in shown
    assert issued.headers["Cache-Control"] == "no-store"  # no browser or proxy keeps the key
    token = re.search(r'<code id="token">(knp_[^<]+)</code>', shown).group(1)
    assert redeem_with(pn, token, offer, joop["number"]).status_code == 201

    again = client.get(f"/waardering/partners/{museum}/bewerken").get_data(as_text=True)
    assert "Kassa 2" in again and token not in again
    assert page_session(pn, "Humanitas").post(path, data={"csrf_token": csrf(edit)}).status_code == 403
    assert client.post(path.replace(museum, "onbekend"), data={"csrf_token": csrf(edit)}).status_code == 404
