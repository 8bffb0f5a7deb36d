"""An appreciation event in the browser: the invitation e-mail leads to the sign-up page and a
confirmation; a second person lands on the waiting list, is offered the place when the first
cancels, and takes it. Every message arrives in the SMTP sink."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.appreciation import pass_network
from tests.support.browser import assert_fine
from tests.support.mail import mail_to, path_in

pytestmark = pytest.mark.integration


def test_invitation_sign_up_waiting_list_and_a_freed_place(stack, browser, serve, tmp_path):
    stack.start_relay("appreciation")
    stack.start_worker("appreciation")
    stack.start_worker("notifications")
    pn = pass_network(stack)
    pn.nominate("Humanitas", "Joop Visser", "joop@example.org")
    pn.nominate("Zonnebloem", "Fatima El Amrani", "fatima@example.org")
    start = datetime.now(UTC) + timedelta(days=10)
    created = pn.api(
        "post",
        "/events",
        json={
            "title": "Verwenmiddag",
            "kind": "pampering",
            "venue": "Buurthuis De Schakel",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=3)).isoformat(),
            "signup_deadline": (start - timedelta(days=2)).isoformat(),
            "capacity": 1,
        },
    ).get_json()
    pn.api("post", f"/events/{created['id']}/publish")
    base = serve(pn.app)

    joop_mail = mail_to(stack, "joop@example.org", "Uitnodiging: Verwenmiddag")
    raw = [m for m in stack.sink.mails if "joop@example.org" in m.summary()["to"]][-1].message
    assert any(part.get_content_type() == "text/calendar" for part in raw.walk())
    joop = browser.new_page(viewport={"width": 390, "height": 844})
    joop.goto(base + path_in(joop_mail["text"], "/waardering/uitnodiging/"))
    assert joop.locator("h1").inner_text() == "Verwenmiddag"
    joop.get_by_role("button", name="Meld mij aan").click()
    assert joop.locator("#answer").inner_text().startswith("Je bent aangemeld")
    mail_to(stack, "joop@example.org", "Je bent aangemeld: Verwenmiddag")
    assert_fine(joop)

    fatima = browser.new_page(viewport={"width": 390, "height": 844})
    fatima.goto(
        base
        + path_in(
            mail_to(stack, "fatima@example.org", "Uitnodiging: Verwenmiddag")["text"],
            "/waardering/uitnodiging/",
        )
    )
    fatima.get_by_role("button", name="Meld mij aan").click()
    assert "wachtlijst, nummer 1" in fatima.locator("#answer").inner_text()
    mail_to(stack, "fatima@example.org", "Wachtlijst: Verwenmiddag")

    joop.get_by_role("button", name="Mijn plek afzeggen").click()
    assert joop.locator("#answer").inner_text() == "Je komt niet."
    offer = mail_to(stack, "fatima@example.org", "Een plek voor jou: Verwenmiddag")
    fatima.goto(base + path_in(offer["text"], "/waardering/uitnodiging/"))
    fatima.get_by_role("button", name="Ja, ik neem de plek").click()
    assert fatima.locator("#answer").inner_text().startswith("Je bent aangemeld")
    mail_to(stack, "fatima@example.org", "Je bent aangemeld: Verwenmiddag")
    assert_fine(fatima)
    fatima.screenshot(path=str(tmp_path / "signed-up.png"))
