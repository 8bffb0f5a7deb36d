"""A volunteer searches the public bank in Dutch, opens a co-published vacancy and responds; the
co-publishers' e-mails arrive in the SMTP sink."""

import pytest

from deploy.local.harness import wait_until
from tests.support.browser import assert_fine
from tests.support.mail import mail_to, path_in
from tests.support.recruitment import network_with_members

pytestmark = pytest.mark.integration


def test_volunteer_finds_a_joint_vacancy_and_responds_and_both_publishers_are_mailed(
    stack, browser, serve, tmp_path
):
    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    app = stack.app("recruitment")
    net = network_with_members(app)
    net.publish(
        "Humanitas",
        co_publishers=("Zonnebloem",),
        title="Maatje voor een oudere buurtbewoner",
        areas=["Binnenstad"],
        category="buddy-care",
        description="<p>Wekelijks op bezoek.</p>",
    )
    net.publish("Present", title="Klussen in huis", areas=["West"])
    base = serve(app)

    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(f"{base}/n/{net.slug}")
    assert page.locator("h1").inner_text() == "Vrijwilligersvacatures"
    page.get_by_label("Zoeken", exact=True).fill("maatjes")
    page.get_by_label("Zoeken", exact=True).press("Enter")
    page.wait_for_url("**q=maatjes**")
    assert page.get_by_role("status").first.inner_text() == "1 vacature gevonden"
    assert_fine(page)

    page.get_by_role("link", name="Maatje voor een oudere buurtbewoner").click()
    assert page.locator(".publisher").all_inner_texts() == ["Humanitas", "Zonnebloem"]
    assert_fine(page)
    page.get_by_label("Je naam").fill("Sanne Jansen")
    page.get_by_label("E-mailadres").fill("sanne@example.org")
    page.get_by_label("Waarom wil je dit graag doen?").fill("Ik wil iets betekenen in mijn buurt.")
    page.get_by_role("button", name="Verstuur mijn reactie").click()
    assert page.get_by_role("alert").first.inner_text().startswith("Controleer")  # consent missing
    assert_fine(page)
    page.get_by_label("Ik geef toestemming").check()
    page.get_by_role("button", name="Verstuur mijn reactie").click()
    page.wait_for_url("**/bedankt")
    assert page.locator("h1").inner_text() == "Bedankt voor je reactie"
    assert_fine(page)
    page.screenshot(path=str(tmp_path / "responded.png"))

    def response_mails():
        return [m for m in stack.sink.summaries() if "reactie" in (m["subject"] or "").lower()]

    mails = wait_until(
        lambda: len(response_mails()) == 3 and response_mails(),
        30,
        message="the volunteer's and both publishers' e-mails",
    )
    by_recipient = {m["to"][0]: m for m in mails}
    assert set(by_recipient) == {
        "sanne@example.org",
        "humanitas@enkhuizen.example.org",
        "zonnebloem@enkhuizen.example.org",
    }
    assert by_recipient["humanitas@enkhuizen.example.org"]["subject"] == (
        "Nieuwe reactie: Maatje voor een oudere buurtbewoner"
    )
    assert "Sanne Jansen" in by_recipient["zonnebloem@enkhuizen.example.org"]["text"]
    assert by_recipient["sanne@example.org"]["subject"].startswith("We hebben je reactie ontvangen")

    # Later she asks for her data to be erased: the page, the mailed link, the button (issue 20).
    page.goto(f"{base}/n/{net.slug}/privacy/verzoek")
    assert_fine(page)
    page.get_by_label("E-mailadres").fill("sanne@example.org")
    page.get_by_label("Wat wil je?").select_option("erasure")
    page.get_by_role("button", name="Stuur me de link").click()
    assert page.locator("h1").inner_text() == "Kijk in je e-mail"
    assert_fine(page)
    confirm = mail_to(stack, "sanne@example.org", "Bevestig dat")
    page.goto(base + path_in(confirm["text"], "/privacy/bevestigen/"))
    assert page.locator("h1").inner_text() == "Je gegevens wissen?"
    assert_fine(page)
    page.get_by_role("button", name="Ja, wis mijn gegevens").click()
    assert page.locator("h1").inner_text() == "Je gegevens worden gewist"
    assert_fine(page)
    withdrawn = mail_to(stack, "humanitas@enkhuizen.example.org", "Een reactie op")
    assert "Sanne" not in withdrawn["text"]
