"""The coordinator runs the network's registry in pages, on a phone and on a desktop: enters by
the login e-mail link, then only clicks and types. Settings and a logo (a wrong file first: the
Dutch reason), a member admitted, edited, given an API key that works once shown and stops when
revoked, a category added and renamed, an education partner with its agreement period, and a
member removed after the confirmation step. Every page is checked (axe-core, 390 px, ids)."""

import io

import pytest
from PIL import Image

from tests.support.flows import bearer, open_network, platform_token
from tests.support.mail import mail_to
from tests.support.recruitment import network_with_members

pytestmark = pytest.mark.integration
COORDINATOR = "coordinator@example.org"


def png(padding: int = 0) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 32), "#0b6e4f").save(out, "PNG")
    return out.getvalue() + b"\0" * padding


def upload(person, name: str, data: bytes, mime: str) -> None:
    person.page.get_by_label("Logobestand").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    person.click("Logo uploaden", role="button")


def submit(person, label: str) -> None:
    person.click(label, role="button")


def flash(person) -> str:
    return person.page.locator(".flash").first.inner_text()


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_the_coordinator_runs_the_registry_in_pages(stack, visitor, phone):
    app = stack.app("recruitment")
    api = app.test_client()
    open_network(api, platform_token(app))
    person = visitor(phone=phone)
    page = person.page
    page.goto(person.base + "/")
    person.check()
    person.click("Inloggen voor organisaties, coördinatoren en onderwijspartners")
    person.log_in(COORDINATOR)
    assert mail_to(stack, COORDINATOR, "Je inloglink")
    person.check()

    # settings, and the logo: a wrong file and a too big one first
    person.menu("Netwerkinstellingen")
    page.get_by_label("Regio").fill("West-Friesland")
    page.get_by_label("Huiskleur").fill("#1d4e89")
    page.get_by_label("Leden mogen hun eigen vermelding bewerken").check()
    submit(person, "Instellingen opslaan")
    assert flash(person) == "De instellingen van het netwerk zijn opgeslagen."
    assert page.get_by_label("Regio").input_value() == "West-Friesland"
    upload(person, "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")
    assert page.locator("#logo-file-error").inner_text() == "Het logo moet een PNG- of JPEG-afbeelding zijn."
    upload(person, "logo.png", png(padding=600 * 1024), "image/png")
    assert page.locator("#logo-file-error").inner_text() == "Het logo mag hoogstens 512 kB groot zijn."
    upload(person, "logo.png", png(), "image/png")
    assert "Het nieuwe logo is opgeslagen" in flash(person)
    logo = page.locator(".email-preview img")
    assert logo.evaluate("img => img.complete && img.naturalWidth") == 64

    # admit a member, then edit it
    person.menu("Lidorganisaties")
    person.click("Lid toelaten")
    page.get_by_label("Naam", exact=True).fill("Buurtkracht")
    page.get_by_label("Contactpersoon").fill("Fatima el Amrani")
    page.get_by_label("E-mailadres om in te loggen").fill("info@buurtkracht.example.org")
    page.get_by_label("Boodschappendienst").check()
    submit(person, "Lid toelaten")
    assert flash(person).startswith("Buurtkracht is toegelaten als lid.")
    page.get_by_label("Wijken").fill("Binnenstad, Oost")
    page.get_by_label("Website").fill("https://buurtkracht.example.org")
    submit(person, "Opslaan")
    assert flash(person) == "De vermelding van Buurtkracht is opgeslagen."
    person.menu("Lidorganisaties")
    page.get_by_label("Zoek op naam, activiteit of wijk").fill("oost")
    submit(person, "Zoeken")
    assert "Buurtkracht" in page.locator("table").inner_text()

    # a category, added and renamed
    person.menu("Categorieën")
    page.get_by_label("Naam", exact=True).fill("Taalmaatjes")
    submit(person, "Categorie toevoegen")
    assert flash(person) == "Categorie Taalmaatjes is toegevoegd."
    person.click("Taalmaatjes hernoemen")
    page.get_by_label("Nieuwe naam").fill("Taalcoaches")
    submit(person, "Naam opslaan")
    assert flash(person) == "De categorie heet nu Taalcoaches."

    # an education partner with its agreement period
    person.menu("Onderwijspartners")
    person.click("Onderwijspartner toevoegen")
    page.get_by_label("Onderwijsinstelling").fill("Horizon College")
    page.get_by_label("Opleiding").fill("Maatschappelijke Zorg")
    page.get_by_label("Contactpersoon").fill("Joost Visser")
    page.get_by_label("E-mailadres om in te loggen").fill("stages@horizon.example.org")
    page.get_by_label("Afspraak gaat in op").fill("2026-09-01")
    page.get_by_label("Afspraak loopt af op").fill("2027-07-31")
    submit(person, "Partner toevoegen")
    assert flash(person).startswith("Horizon College is onderwijspartner.")
    assert "01-09-2026 \u2013 31-07-2027" in page.locator("table").inner_text()

    # an API key for the member: shown once, works, then revoked
    person.menu("Toegang")
    person.click("API-sleutels van Buurtkracht")
    page.get_by_label("Waarvoor is hij?").fill("website")
    submit(person, "API-sleutel maken")
    key = page.get_by_label("API-sleutel", exact=True).input_value()
    assert api.get("/api/recruitment/vacancies/mine", headers=bearer(key)).status_code == 200
    person.click("website intrekken")
    submit(person, "Ja, trek deze sleutel in")
    assert flash(person) == "De API-sleutel website is ingetrokken; hij werkt niet meer."
    assert key not in page.content()
    assert api.get("/api/recruitment/vacancies/mine", headers=bearer(key)).status_code == 401

    # the member removed, after the confirmation step
    person.menu("Lidorganisaties")
    person.click("Buurtkracht verwijderen")
    assert "Weet je het zeker?" in page.locator("main").inner_text()
    submit(person, "Ja, verwijder Buurtkracht")
    assert flash(person) == "Buurtkracht is geen lid meer; inloggen en de API-sleutels werken niet meer."
    assert "Buurtkracht" not in page.locator("table").inner_text()


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_a_member_keeps_its_own_entry_when_the_coordinator_allows_it(stack, visitor, phone):
    net = network_with_members(stack.app("recruitment"))
    allowed = {"members_edit_profile": True}
    assert net.client.patch("/api/recruitment/networks/mine", headers=bearer(net.coordinator), json=allowed)
    person = visitor(phone=phone)
    person.page.goto(person.base + "/")
    person.check()
    person.click("Inloggen voor organisaties, coördinatoren en onderwijspartners")
    person.log_in("zonnebloem@enkhuizen.example.org")
    person.check()
    person.menu("Ons profiel")
    person.page.get_by_label("Wijken").fill("Oost, Westeinde")
    person.page.get_by_label("Klussendienst").check()
    submit(person, "Ons profiel opslaan")
    assert flash(person) == "Je vermelding in 'wie doet wat' is opgeslagen."
    person.click("Bekijk je vermelding zoals iedereen die ziet")
    row = person.page.locator("tr", has_text="Zonnebloem").inner_text()
    assert row.count("✔") == 2  # outings as before, and the odd jobs it added
