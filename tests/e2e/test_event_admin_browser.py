"""An appreciation event run by the coordinator in pages only, from the login e-mail on, while the
invitees answer from their e-mails: the coordinator creates a draft, previews the invitation e-mail
and publishes it (everyone with a pass is invited); one person signs up for the only place and a
second and a third land on the waiting list; the coordinator moves the event to another venue (the
person coming is told); the first person cancels, the second is offered the freed place and takes
it; the coordinator adds a place, which goes to the third; the guest list shows who comes; the
coordinator cancels the event after being told how many hear of it, and everyone invited is told.
Every e-mail is read from the SMTP sink; every page is checked with axe and for a phone."""

from datetime import timedelta

import pytest

from services.appreciation.domain.clock import local_today
from tests.e2e.conftest import ONCE_EACH
from tests.support.appreciation import pass_network
from tests.support.mail import mail_to

pytestmark = pytest.mark.integration

TITLE = "Verwenmiddag"
INVITED = {
    "joop@example.org": "Joop Visser",
    "fatima@example.org": "Fatima El Amrani",
    "kees@example.org": "Kees de Boer",
}


def flash(person) -> str:
    return person.page.locator(".flash").first.inner_text()


def coordinator_creates_and_publishes(person) -> None:
    page = person.page
    person.log_in_from_the_front_page("coordinator@example.org")
    person.menu("Waarderingsevenementen")
    person.click("Nieuw evenement")
    day = local_today() + timedelta(days=14)
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Soort evenement").select_option(label="Verwendag")
    page.get_by_label("Locatie").fill("Buurthuis De Schakel")
    page.get_by_label("Begint").fill(f"{day:%Y-%m-%d}T14:00")
    page.get_by_label("Eindigt").fill(f"{day:%Y-%m-%d}T17:00")
    page.get_by_label("Aanmelden tot").fill(f"{day - timedelta(days=3):%Y-%m-%d}T23:00")
    page.get_by_label("Plekken", exact=True).fill("1")
    page.get_by_role("button", name="Opslaan").click()
    person.check()
    assert flash(person) == "Het evenement is als concept opgeslagen."
    person.click("Voorbeeld van de uitnodiging")  # the real e-mail, rendered by notifications
    assert "Buurthuis De Schakel" in page.locator("pre").inner_text()
    person.menu("Waarderingsevenementen")
    person.click("Publiceren", role="button")
    assert flash(person) == "De uitnodigingen worden verstuurd."


def invitee_answers(invitee, email: str, button: str, subject: str) -> str:
    """The invitee opens the newest e-mail about the event, taps `button`; their answer as shown."""
    invitee.open_mail_link(email, subject, "/waardering/uitnodiging/")
    invitee.check()
    assert invitee.page.locator("h1").inner_text() == TITLE
    invitee.click(button, role="button")
    return invitee.page.locator("#answer").inner_text()


@pytest.mark.parametrize(**ONCE_EACH)
def test_the_coordinator_runs_an_event_while_invitees_sign_up_wait_and_take_a_freed_place(
    stack, visitor, phone
):
    pn = pass_network(stack)
    for email, name in INVITED.items():
        pn.nominate("Humanitas", name, email)
    coordinator = visitor(phone=phone)
    coordinator_creates_and_publishes(coordinator)
    for email in INVITED:
        mail_to(stack, email, f"Uitnodiging: {TITLE}")

    joop, fatima = visitor(), visitor()
    assert invitee_answers(joop, "joop@example.org", "Meld mij aan", "Uitnodiging").startswith(
        "Je bent aangemeld"
    )
    mail_to(stack, "joop@example.org", f"Je bent aangemeld: {TITLE}")
    assert "wachtlijst, nummer 1" in invitee_answers(
        fatima, "fatima@example.org", "Meld mij aan", "Uitnodiging"
    )
    mail_to(stack, "fatima@example.org", f"Wachtlijst: {TITLE}")
    kees = visitor()
    assert "wachtlijst, nummer 2" in invitee_answers(kees, "kees@example.org", "Meld mij aan", "Uitnodiging")

    # Another venue: the person coming is told.
    coordinator.menu("Waarderingsevenementen")
    coordinator.click("Bewerken")
    coordinator.page.get_by_label("Locatie").fill("Wijkcentrum Het Anker")
    coordinator.page.get_by_role("button", name="Opslaan").click()
    coordinator.check()
    assert flash(coordinator) == "Het evenement is gewijzigd."
    assert "Wijkcentrum Het Anker" in mail_to(stack, "joop@example.org", f"Gewijzigd: {TITLE}")["text"]

    # Joop cannot come after all: the place goes to Fatima, first on the waiting list.
    joop.click("Mijn plek afzeggen", role="button")
    assert joop.page.locator("#answer").inner_text() == "Je komt niet."
    taken = invitee_answers(
        fatima, "fatima@example.org", "Ja, ik neem de plek", f"Een plek voor jou: {TITLE}"
    )
    assert taken.startswith("Je bent aangemeld")
    mail_to(stack, "fatima@example.org", f"Je bent aangemeld: {TITLE}")

    # One place more: it goes to Kees, next on the waiting list.
    coordinator.menu("Waarderingsevenementen")
    coordinator.click("Bewerken")
    coordinator.check()  # the places' hint says how many are taken
    coordinator.page.get_by_label("Plekken", exact=True).fill("2")
    coordinator.page.get_by_role("button", name="Opslaan").click()
    assert flash(coordinator) == "Het evenement is gewijzigd."
    taken = invitee_answers(kees, "kees@example.org", "Ja, ik neem de plek", f"Een plek voor jou: {TITLE}")
    assert taken.startswith("Je bent aangemeld")

    coordinator.menu("Waarderingsevenementen")
    coordinator.click("Gastenlijst")
    coming = coordinator.page.locator("h2", has_text="Komt").locator("xpath=following-sibling::ul[1]")
    assert "Fatima El Amrani" in coming.inner_text() and "Kees de Boer" in coming.inner_text()
    assert "Joop Visser" not in coming.inner_text()

    # Cancelled after saying how many hear of it; everyone invited is told.
    coordinator.menu("Waarderingsevenementen")
    coordinator.click("Evenement afzeggen")
    assert "(3)" in coordinator.page.locator("main").inner_text()
    coordinator.click("Ja, zeg het evenement af", role="button")
    assert flash(coordinator) == "Het evenement is afgezegd."
    for email in INVITED:
        mail_to(stack, email, f"Gaat niet door: {TITLE}")
