"""The volunteer pass run in pages only, from the login e-mails on, tried on a phone and on a
desktop: the coordinator sets the pass policy, admits a discount partner and nominates three
volunteers by CSV; the partner, welcomed by e-mail, logs in, adds a once-a-month offer, redeems a
volunteer's pass, sees the offer unavailable for that pass, and undoes the redemption from today's
list. Every e-mail is read from the SMTP sink; every page is checked with axe and for a phone."""

import re

import pytest

from services.appreciation.domain.clock import local_today
from services.appreciation.domain.passes import validity
from tests.e2e.conftest import ONCE_EACH
from tests.support.appreciation import pass_network
from tests.support.mail import mail_to

pytestmark = pytest.mark.integration

VOLUNTEERS = (
    ("Joop Visser", "joop@example.org"),
    ("Fatima El Amrani", "fatima@example.org"),
    ("Kees de Boer", "kees@example.org"),
)
PARTNER = "Theater De Drommedaris"
TILL = "kassa@drommedaris.example.org"
OFFER = "Korting op de voorstelling"


def flash(person) -> str:
    return person.page.locator(".flash").first.inner_text()


def coordinator_sets_policy_admits_and_nominates(person, stack) -> None:
    page = person.page
    person.log_in_from_the_front_page("coordinator@example.org")

    person.menu("Pasbeleid")
    page.get_by_label("Hoe lang een pas geldig is").select_option(label="Twaalf maanden vanaf uitgifte")
    page.get_by_role("button", name="Opslaan").click()
    person.check()
    assert flash(person) == "Pasbeleid opgeslagen."

    person.menu("Kortingspartners")
    person.click("Kortingspartner toelaten")
    page.get_by_label("Naam", exact=True).fill(PARTNER)
    page.get_by_label("Plaats").fill("Enkhuizen")
    page.get_by_label("Soort", exact=True).select_option(label="Theater")
    page.get_by_label("Naam contactpersoon").fill("Els Bakker")
    page.get_by_label("Inlogadres").fill("geen adres")
    page.get_by_role("button", name="Toelaten").click()
    person.check()
    assert page.locator("#f-contact_email-error").is_visible()  # said beside the field
    page.get_by_label("Inlogadres").fill(TILL)
    page.get_by_role("button", name="Toelaten").click()
    person.check()
    assert page.locator("#token").inner_text().startswith("knp_")  # the till key, shown this once
    person.menu("Kortingspartners")
    assert TILL in page.locator("#partners").inner_text()

    person.menu("Pashouders")
    person.click("Vrijwilligers voordragen")
    page.get_by_label("Lidorganisatie").nth(1).select_option(label="Humanitas")
    rows = "\n".join(f"{name},{email}" for name, email in VOLUNTEERS)
    page.get_by_label("CSV-bestand").set_input_files(
        {"name": "vrijwilligers.csv", "mimeType": "text/csv", "buffer": f"name,email\n{rows}\n".encode()}
    )
    page.get_by_role("button", name="Uploaden en voordragen").click()
    person.check()
    assert page.locator("#summary").inner_text().startswith("3 voorgedragen")
    start, end = validity("twelve_months", local_today())
    for _, email in VOLUNTEERS:
        mail = mail_to(stack, email, "Je vrijwilligerspas")
        assert f"Geldig van {start:%d-%m-%Y} tot en met {end:%d-%m-%Y}" in mail["text"]  # the policy just set

    # The coordinator finds a holder by name and sees Humanitas's nomination.
    person.menu("Pashouders")
    page.get_by_label("Naam, e-mailadres of de laatste cijfers van het pasnummer").fill("Fatima")
    page.get_by_role("button", name="Zoeken").click()
    person.check()
    person.click("Fatima El Amrani")
    assert "Humanitas" in page.locator("main").inner_text()


def partner_logs_in_from_the_welcome(person, stack) -> None:
    page = person.page
    welcome = person.open_mail_link(TILL, "Welkom bij de vrijwilligerspas", "/waardering/n/")
    assert "Theater De Drommedaris geeft nu korting" in welcome["text"]
    person.check()
    page.get_by_label("E-mailadres").fill(TILL)
    page.get_by_role("button", name="Stuur mij een inloglink").click()
    person.check()
    person.open_mail_link(TILL, "Je inloglink", "/waardering/inloggen/")
    person.check()
    page.get_by_role("button", name="Log mij in").click()
    page.wait_for_url("**/waardering/partner")
    person.check()


def partner_adds_a_once_a_month_offer(person) -> None:
    page = person.page
    person.menu("Je aanbod")
    person.click("Aanbod toevoegen")
    page.get_by_label("Titel").fill(OFFER)
    page.get_by_label("Soort korting").select_option(label="Een percentage korting")
    page.get_by_label("Percentage of bedrag").fill("25")
    page.get_by_label("Hoe vaak per pas").select_option(label="Een aantal keer per week, maand of jaar")
    page.get_by_label("Aantal keer").fill("1")
    page.get_by_label("Per", exact=True).select_option(label="maand")
    page.get_by_role("button", name="Opslaan").click()
    person.check()
    assert flash(person) == "Het aanbod is toegevoegd."
    assert "1\u00d7 per pas per maand" in page.locator(".offer-summary").first.inner_text()


def look_up(person, number: str) -> None:
    person.menu("Kassa")
    person.page.get_by_label("Pasnummer").fill(number)
    person.page.get_by_role("button", name="Opzoeken").click()
    person.check()


@pytest.mark.parametrize(**ONCE_EACH)
def test_the_coordinator_admits_a_partner_and_nominates_by_csv_and_the_partner_serves_a_volunteer(
    stack, visitor, phone
):
    pass_network(stack)  # the network's members, known to appreciation
    coordinator = visitor(phone=phone)
    coordinator_sets_policy_admits_and_nominates(coordinator, stack)

    partner = visitor(phone=phone)
    partner_logs_in_from_the_welcome(partner, stack)
    partner_adds_a_once_a_month_offer(partner)

    pass_mail = mail_to(stack, "joop@example.org", "Je vrijwilligerspas")
    number = re.search(r"\d{4} \d{4} \d{4}", pass_mail["text"])
    look_up(partner, number.group())
    assert partner.page.locator("#pass h2").inner_text() == "Joop"
    partner.click(f"Inwisselen: {OFFER} — 25% korting", role="button")
    assert partner.page.locator("#result").inner_text() == "Ingewisseld."
    mail_to(stack, "joop@example.org", f"Bevestiging: {OFFER}")  # the holder's receipt

    # The same pass again: the offer is shown as used this month, with the day it can be used again.
    look_up(partner, number.group())
    assert partner.page.get_by_role("button", name=re.compile(f"Inwisselen: {OFFER}")).count() == 0
    unavailable = partner.page.locator(".unavailable").inner_text()
    assert "al gebruikt in deze periode" in unavailable and "Weer te gebruiken vanaf" in unavailable

    # A mistake noticed later: undone from today's list on the start page.
    partner.menu("Start")
    assert OFFER in partner.page.locator("#today").inner_text()
    partner.page.get_by_role("button", name=re.compile(f"^Ongedaan maken {OFFER}")).click()
    partner.check()
    assert "teruggedraaid" in partner.page.locator("#today").inner_text()
    look_up(partner, number.group())
    assert partner.page.get_by_role("button", name=re.compile(f"Inwisselen: {OFFER}")).count() == 1
