"""A student opens the registration link, registers in Dutch and ranks placements, confirms the
address from the e-mail in the SMTP sink; after allocation and confirmation the student logs hours
on a phone, and the education partner's export shows them."""

import csv
import io
from datetime import date, timedelta

import pytest

from tests.support.browser import assert_fine
from tests.support.mail import mail_to, path_in
from tests.support.placements import partner_with_cohort
from tests.support.recruitment import network_with_members

pytestmark = pytest.mark.integration


def test_a_student_registers_through_the_link_logs_hours_and_the_partner_exports_them(
    stack, browser, serve, tmp_path
):
    stack.start_relay("recruitment")
    stack.start_worker("notifications")
    app = stack.app("recruitment")
    net = network_with_members(app)
    cohort = partner_with_cohort(net, required_hours=3)
    cohort.offer("Humanitas", "Huisbezoek bij ouderen", 1, area="Binnenstad")
    cohort.offer("Zonnebloem", "Uitstapjes begeleiden", 2, area="Oost")
    base = serve(app)

    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(f"{base}/inschrijven/{cohort.link}")
    assert page.locator("h1").inner_text() == "Inschrijven voor een stageplek"
    assert_fine(page)
    page.get_by_label("Je naam").fill("Sanne Bakker")
    page.get_by_label("E-mailadres").fill("sanne@student.example.org")
    page.get_by_label("Studentnummer").fill("500123")
    page.get_by_label("Keuze 1").select_option(label="Uitstapjes begeleiden — Zonnebloem")
    page.get_by_label("Keuze 2").select_option(label="Huisbezoek bij ouderen — Humanitas")
    page.get_by_role("button", name="Inschrijven").click()
    assert "Please give your consent" not in page.content()
    assert page.locator(".field.invalid").count() == 1  # only the consent is missing; the rest is kept
    assert page.get_by_label("Je naam").input_value() == "Sanne Bakker"
    assert_fine(page)
    page.get_by_label("Ik ga ermee akkoord").check()
    page.get_by_role("button", name="Inschrijven").click()
    assert page.locator("h1").inner_text() == "Bijna klaar"
    assert_fine(page)

    mail = mail_to(stack, "sanne@student.example.org", "Bevestig je inschrijving")
    page.goto(base + path_in(mail["text"], "/inschrijven/bevestigen/"))
    page.get_by_role("button", name="Mijn e-mailadres bevestigen").click()
    page.wait_for_url("**/student")
    assert page.locator("#status").inner_text() == "ingeschreven"
    assert page.locator("ol li").all_inner_texts() == [
        "Uitstapjes begeleiden — Zonnebloem",
        "Huisbezoek bij ouderen — Humanitas",
    ]

    report = cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": 3}).get_json()
    assert report["choices"] == {"1": 1}
    cohort.api("post", f"/cohorts/{cohort.id}/allocation/publish")
    mail_to(stack, "sanne@student.example.org", "Je stageplek: Uitstapjes begeleiden")
    [student] = cohort.api("get", "/placements/students", who="Zonnebloem").get_json()
    cohort.api("post", f"/placements/students/{student['id']}/confirm", who="Zonnebloem")
    mail_to(stack, "sanne@student.example.org", "Zonnebloem heeft je stageplek bevestigd")

    page.reload()
    assert page.locator("#status").inner_text() == "bevestigd"
    page.get_by_label("Datum").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_label("Uren").fill("3")
    page.get_by_label("Wat heb je gedaan?").fill("Met een groep naar het Zuiderzeemuseum")
    page.get_by_role("button", name="Uren opslaan").click()
    page.wait_for_url("**/student")
    assert "Zuiderzeemuseum" in page.locator("#hours-log").inner_text()
    assert_fine(page)
    page.screenshot(path=str(tmp_path / "student.png"))

    [entry] = cohort.api("get", f"/placements/students/{student['id']}/hours", who="Zonnebloem").get_json()
    cohort.api("post", f"/hours/{entry['id']}/review", who="Zonnebloem", json={})
    exported = cohort.api("get", "/students.csv", who="partner").get_data(as_text=True).lstrip("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(exported), delimiter=";"))
    assert (row["name"], row["organisation"], row["logged_hours"], row["approved_hours"]) == (
        "Sanne Bakker",
        "Zonnebloem",
        "3.0",
        "3.0",
    )
