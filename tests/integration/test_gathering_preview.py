"""The organiser previews the invitation its appreciation event sends: appreciation signs the
message's payload into a link, notifications renders the real e-mail from it for a viewer of the
same network only."""

import time
from datetime import datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest

from shared.tokens import LinkSigner
from tests.support.appreciation import event_body, pass_network
from tests.support.appreciation import page_session as browser

pytestmark = pytest.mark.integration


@pytest.fixture
def pn(stack):
    return pass_network(stack)


def at_notifications(stack, client):
    """A notifications client with the same logged-in session (one signed cookie behind every prefix)."""
    other = stack.app("notifications").test_client()
    other.set_cookie("knoop_session", client.get_cookie("knoop_session").value)
    return other


def preview_path(client, event_id: str) -> str:
    answer = client.get(f"/waardering/evenementen/{event_id}/uitnodiging")
    assert answer.status_code == 303
    location = urlparse(answer.location)
    assert location.path.startswith("/berichten/voorbeeld/uitnodiging/")
    return location.path


def dutch_wall_clock(moment: str, pattern: str = "%d-%m-%Y %H:%M") -> str:
    return datetime.fromisoformat(moment).astimezone(ZoneInfo("Europe/Amsterdam")).strftime(pattern)


def test_the_coordinator_previews_the_invitation_before_and_after_publishing(pn, stack):
    created = pn.api("post", "/events", json=event_body(description="Met muziek en een hapje.")).get_json()
    client = browser(pn)
    listing = client.get("/waardering/evenementen").get_data(as_text=True)
    assert f"/waardering/evenementen/{created['id']}/uitnodiging" in listing
    notifications = at_notifications(stack, client)
    for step in ("draft", "published"):
        if step == "published":
            assert pn.api("post", f"/events/{created['id']}/publish").status_code == 200
        page = notifications.get(preview_path(client, created["id"]))
        assert page.status_code == 200, step
        shown = page.get_data(as_text=True)
        assert "Voorbeeld van de uitnodiging" in shown
        assert "Uitnodiging: Vrijwilligersdag" in shown  # the subject
        assert "Je bent uitgenodigd voor Vrijwilligersdag" in shown
        assert "Zuiderzeemuseum" in shown and "Voorbeeld Vrijwilliger" in shown
        assert "Met muziek en een hapje." in shown
        starts, ends = dutch_wall_clock(created["starts_at"]), dutch_wall_clock(created["ends_at"], "%H:%M")
        assert f"Wanneer: {starts} \N{EN DASH} {ends}" in shown
        assert "Meld je aan (of laat weten dat je niet kunt) met je persoonlijke link:" in shown


def test_a_member_sees_its_own_name_as_the_sample_invitee(pn, stack):
    created = pn.api("post", "/events", who="Humanitas", json=event_body()).get_json()
    client = browser(pn, "Humanitas")
    shown = at_notifications(stack, client).get(preview_path(client, created["id"])).get_data(as_text=True)
    assert "Beste Humanitas," in shown
    assert (
        browser(pn, "Zonnebloem").get(f"/waardering/evenementen/{created['id']}/uitnodiging").status_code
        == 404
    )


def test_a_forged_expired_or_other_networks_preview_link_is_refused(pn, stack):
    created = pn.api("post", "/events", json=event_body()).get_json()
    client = browser(pn)
    notifications = at_notifications(stack, client)
    path = preview_path(client, created["id"])
    forged = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    assert notifications.get(forged).status_code == 404
    assert notifications.get("/berichten/voorbeeld/uitnodiging/nonsense").status_code == 404
    # Signed an hour and a bit ago: expired, a page that says to ask a new one.
    keys = stack.app("notifications").extensions["knoop"].settings.secret_keys
    old = LinkSigner(keys, "invitation-preview", 3600, clock=lambda: time.time() - 3700)
    payload = {"network_id": _network_of(pn), "data": {"nothing": "valid"}}
    assert notifications.get(f"/berichten/voorbeeld/uitnodiging/{old.sign(payload)}").status_code == 410
    # Well signed but not an invitation: refused, not a server error.
    fresh = LinkSigner(keys, "invitation-preview", 3600)
    assert notifications.get(f"/berichten/voorbeeld/uitnodiging/{fresh.sign(payload)}").status_code == 404
    stranger = at_notifications(stack, browser(pn))
    with stranger.session_transaction() as stored:
        stored["principal"] = {**stored["principal"], "network_id": "another-network"}
    assert stranger.get(path).status_code == 404
    anonymous = stack.app("notifications").test_client().get(path)
    assert anonymous.status_code == 303 and anonymous.location.startswith("/inloggen?next=")


def _network_of(pn) -> str:
    return pn.net.client.application.extensions["recruitment_networks"].by_slug("enkhuizen").id
