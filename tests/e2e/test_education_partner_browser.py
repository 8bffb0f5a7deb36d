"""An education partner runs a group through pages only, on a phone and on a desktop: opens it
with the form, prints the poster, imports three students (each gets their personal link; one
confirms through it), sends the link again to the two who did not, adds a meet-and-greet that a
student signs up for, cancels it (the student is told), rotates the link and closes registration."""

import re
from datetime import datetime, timedelta

import pytest

from deploy.local.harness import wait_until
from shared.i18n import LOCAL_TIME
from tests.support.mail import mail_to
from tests.support.placements import partner_with_cohort
from tests.support.recruitment import network_with_members

pytestmark = pytest.mark.integration

STUDENTS = (
    ("Ada Jansen", "ada@student.example.org", "1001"),
    ("Bram de Vries", "bram@student.example.org", "1002"),
    ("Chaima El Amrani", "chaima@student.example.org", "1003"),
)
INVITED = "Hogeschool Inholland"  # the invitation's subject starts with the partner's name


def _partner_address(stack) -> str:
    from sqlalchemy import select

    from services.recruitment.models import EducationPartner

    with stack.kit("recruitment").db.reader() as session:
        return session.scalars(select(EducationPartner.contact_email)).one()


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME).strftime("%Y-%m-%dT%H:%M")


def _mails(stack, address: str, subject: str) -> list:
    return [m for m in stack.sink.summaries() if address in m["to"] and m["subject"].startswith(subject)]


def _offer_meanwhile(net, cohort_id: str) -> None:
    """Meanwhile a member offers a placement to the new group (its own journey is tested apart)."""
    answer = net.client.post(
        f"/api/recruitment/cohorts/{cohort_id}/placements",
        headers=net.token("Humanitas"),
        json={"title": "Huisbezoek bij ouderen", "capacity": 2},
    )
    assert answer.status_code == 201, answer.get_json()


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_a_partner_runs_a_group_from_opening_to_closing_registration(stack, visitor, phone, tmp_path):
    net = network_with_members(stack.app("recruitment"))
    partner_with_cohort(net)  # the agreement with the partner, made by the coordinator
    partner = visitor(phone=phone)
    partner.page.goto(partner.base + "/")
    partner.check()
    partner.click("Inloggen voor organisaties, coördinatoren en onderwijspartners")
    partner.log_in(_partner_address(stack))
    assert partner.page.url == partner.base + "/onderwijs"
    partner.check()
    page = partner.page

    # Open a group with the form: first with the period the wrong way round, then right.
    partner.menu("Groep openen")
    now = datetime.now(LOCAL_TIME)
    page.get_by_label("Naam van de groep").fill("Pedagogiek jaar 2")
    page.get_by_label("Soort stage").select_option(label="langere stage")
    page.get_by_label("Uren per student").fill("40")
    page.get_by_label("Hoeveel stageplekken een student mag kiezen").fill("2")
    page.get_by_label("Inschrijving gaat open").fill(_local(now - timedelta(days=1)))
    page.get_by_label("Inschrijving sluit").fill(_local(now - timedelta(days=2)))
    partner.click("Groep openen", role="button")
    assert "de inschrijving moet sluiten na het openen" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("Naam van de groep").input_value() == "Pedagogiek jaar 2"
    page.get_by_label("Inschrijving sluit").fill(_local(now + timedelta(days=14)))
    partner.click("Groep openen", role="button")
    assert page.locator("h1").inner_text() == "Pedagogiek jaar 2"
    assert "Groep geopend" in page.locator(".flash").inner_text()
    cohort_id = page.url.rsplit("/", 1)[1]
    code = page.locator("#short-code").inner_text()
    _offer_meanwhile(net, cohort_id)

    # The poster: QR code, code, address and steps, on one A4 page.
    partner.click("Poster voor de klas")
    assert page.locator("#qr svg").count() == 1
    assert page.locator("#poster-code").inner_text() == code
    assert page.locator("#poster-address").inner_text().endswith("/inschrijven")
    assert page.locator("#poster-steps li").count() == 5
    pdf = page.pdf(path=str(tmp_path / "poster.pdf"), prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the poster prints on one A4 page"
    partner.click("Terug naar de groep")

    # Import three students: each gets an e-mail with their own link.
    partner.click("Studenten importeren (CSV)")
    rows = "\n".join(";".join((name, email, number)) for name, email, number in STUDENTS)
    page.get_by_label("CSV-bestand").set_input_files(
        files=[
            {
                "name": "klas.csv",
                "mimeType": "text/csv",
                "buffer": f"name;email;student_number\n{rows}\n".encode(),
            }
        ]
    )
    partner.click("Importeren", role="button")
    assert page.locator("#summary").inner_text().startswith("3 geïmporteerd")
    for _, email, _ in STUDENTS:
        mail_to(stack, email, INVITED)

    # Ada follows her link, chooses a placement and confirms.
    ada = visitor(phone=True)
    ada.open_mail_link("ada@student.example.org", INVITED, "/inschrijven/uitnodiging/")
    ada.check()
    assert "Ada Jansen" in ada.page.locator("main").inner_text()
    ada.page.get_by_label("Keuze 1").select_option(label="Huisbezoek bij ouderen — Humanitas")
    ada.page.get_by_label("Ik ga ermee akkoord").check()
    ada.click("Mijn e-mailadres en keuzes bevestigen", role="button")
    assert ada.page.url.endswith("/student")
    assert ada.page.locator("#status").inner_text() == "ingeschreven"

    # The partner sees the two who did not confirm and sends their links again.
    partner.click("Terug naar de groep")
    assert page.locator("#unconfirmed-count").inner_text() == "2 studenten hebben nog niet bevestigd."
    assert "Ada Jansen" not in page.locator("#unconfirmed").inner_text()
    partner.click("Stuur de link opnieuw naar iedereen die nog niet bevestigd heeft", role="button")
    assert "Link verstuurd naar 2 studenten." in page.locator(".flash").inner_text()
    for address in ("bram@student.example.org", "chaima@student.example.org"):
        twice = lambda a=address: len(_mails(stack, a, INVITED)) == 2  # noqa: E731
        wait_until(twice, 45, message=f"the second link to {address}")
    assert len(_mails(stack, "ada@student.example.org", INVITED)) == 1
    bram = visitor(phone=True)
    bram.open_mail_link("bram@student.example.org", INVITED, "/inschrijven/uitnodiging/")
    bram.check()
    assert "Bram de Vries" in bram.page.locator("main").inner_text()

    # A meet-and-greet: Ada signs up, then the partner cancels it and Ada is told.
    partner.click("Kennismaking toevoegen")
    starts = now.replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    page.get_by_label("Start", exact=True).fill(_local(starts))
    page.get_by_label("Eindigt").fill(_local(starts + timedelta(hours=1)))
    page.get_by_label("Plaats", exact=True).fill("Bibliotheek Enkhuizen")
    page.get_by_label("Aantal plaatsen").fill("10")
    partner.click("Kennismaking toevoegen", role="button")
    assert "Bibliotheek Enkhuizen" in page.locator(".meeting").inner_text()
    ada.page.reload()
    ada.check()
    ada.click("Aanmelden", role="button")
    assert ada.page.locator(".badge").inner_text() == "Aangemeld"
    page.reload()
    partner.check()
    assert "1 van 10 plaatsen bezet" in page.locator(".meeting").inner_text()
    page.locator(".meeting").get_by_role("link", name="afzeggen").click()
    partner.check()
    assert "1 student heeft zich aangemeld" in page.locator("main").inner_text()
    partner.click("Ja, afzeggen", role="button")
    assert "Kennismaking afgezegd." in page.locator("main").inner_text()
    assert page.locator(".meeting").count() == 0
    ada.open_mail_link("ada@student.example.org", "Gaat niet door: kennismaking", "/student")
    ada.check()

    # A new link and code, asked first; then registration closes early.
    partner.click("Nieuwe link en code")
    assert "Weet je het zeker?" in page.locator("main").inner_text()
    partner.click("Ja, maak een nieuwe link en code", role="button")
    assert page.locator("#short-code").inner_text() != code
    partner.click("Inschrijving nu sluiten", role="button")
    assert "De inschrijving is gesloten." in page.locator(".flash").inner_text()
    assert "Gesloten" in page.locator("#registration-state").inner_text()
