"""The pass e-mail in the SMTP sink leads to the holder's pass page with its QR code; the partner,
logged in by e-mail link on a phone, opens the scanned code, redeems in one tap, and the second try
says "already used"."""

import re
from urllib.parse import urlparse

import pytest

from tests.support.appreciation import pass_network
from tests.support.browser import assert_fine
from tests.support.mail import mail_to, path_in

pytestmark = pytest.mark.integration


def test_pass_email_leads_to_the_pass_and_the_partner_redeems_it_once(stack, browser, serve, tmp_path):
    stack.start_relay("appreciation")
    stack.start_worker("notifications")
    pn = pass_network(stack)
    pn.admit_partner("Theater De Drommedaris", contact_email="kassa@drommedaris.example.org")
    pn.offer("Theater De Drommedaris", "Twee kaartjes voor de prijs van één", usage="once")
    pn.nominate("Humanitas", "Joop Visser", "joop@example.org")
    base = serve(pn.app)

    mail = mail_to(stack, "joop@example.org", "Je vrijwilligerspas")
    assert mail["html"].count("cid:pass-qr@knoop") == 1
    holder = browser.new_page(viewport={"width": 390, "height": 844})
    holder.goto(base + path_in(mail["text"], "/waardering/pas/"))
    assert holder.locator("h1").inner_text() == "Vrijwilligerspas"
    assert holder.locator(".qr svg").count() == 1
    number = holder.locator("#number").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4}", number)
    assert "Twee kaartjes voor de prijs van één" in holder.locator(".results").inner_text()
    assert_fine(holder)
    holder.screenshot(path=str(tmp_path / "pass.png"))

    counter = browser.new_page(viewport={"width": 390, "height": 844})
    counter.goto(f"{base}/waardering/n/enkhuizen/inloggen")
    counter.get_by_label("E-mailadres").fill("kassa@drommedaris.example.org")
    counter.get_by_role("button", name="Stuur mij een inloglink").click()
    login = mail_to(stack, "kassa@drommedaris.example.org", "Je inloglink")  # not its welcome
    counter.goto(base + path_in(login["text"], "/waardering/inloggen/"))
    counter.get_by_role("button", name="Log mij in").click()
    counter.wait_for_url("**/waardering/partner")  # the partner's start page: today's redemptions
    assert_fine(counter)
    counter.get_by_role("link", name="Kassa").first.click()
    counter.wait_for_url("**/waardering/kassa")
    assert_fine(counter)

    counter.goto(base + urlparse(pn.issued("joop@example.org")["qr_url"]).path)  # what the camera opens
    assert counter.locator("#pass h2").inner_text() == "Joop"
    counter.get_by_role("button", name=re.compile("Inwisselen: Twee kaartjes")).click()
    assert counter.locator("#result").inner_text() == "Ingewisseld."
    counter.get_by_label("Pasnummer").fill(number)
    counter.get_by_role("button", name="Opzoeken").click()
    # The once-offer is shown as used before anyone taps: no button, the reason beside it.
    assert counter.get_by_role("button", name=re.compile("Inwisselen: Twee kaartjes")).count() == 0
    assert "al gebruikt" in counter.locator(".unavailable").inner_text()
    assert_fine(counter)
    counter.screenshot(path=str(tmp_path / "counter.png"))
