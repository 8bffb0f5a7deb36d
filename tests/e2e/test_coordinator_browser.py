"""The coordinator's day, tried in a browser on a phone and on a desktop, through pages only after
the login e-mail: the start page says a vacancy waits; moderation sends one back with a reason (the
member gets the e-mail) and approves another (it shows in the public bank); the response-time chart;
a cohort is allocated, a student moved by hand, and the allocation published (the students' e-mails
arrive). Every page is checked for a phone and a screen reader."""

import pytest

from deploy.local.harness import wait_until
from tests.support.mail import mail_to
from tests.support.placements import partner_with_cohort
from tests.support.recruitment import network_with_members

pytestmark = pytest.mark.integration


def prepared(stack):
    """A moderated network with two vacancies waiting, one member that answered a response, and a
    cohort with two placements and two confirmed students."""
    net = network_with_members(stack.app("recruitment"), moderated=True)
    for member, title in (("Humanitas", "Koffie bij mevrouw"), ("Zonnebloem", "Uitstapje naar zee")):
        vacancy = net.draft(member, title=title, description="<p>Gezellig samen.</p>")
        assert net.step(member, vacancy["id"], "submit").get_json()["status"] == "submitted"
    answered = net.publish("Present", title="Klussen in huis")
    response = net.client.post(
        f"/api/recruitment/vacancies/{answered['id']}/responses",
        json={"name": "Ali", "email": "ali@example.org", "consent": True},
    ).get_json()
    net.client.patch(
        f"/api/recruitment/responses/{response['id']}",
        headers=net.token("Present"),
        json={"status": "contacted"},
    )
    cohort = partner_with_cohort(net)
    cohort.offer("Humanitas", "Huisbezoek bij ouderen", 1)
    cohort.offer("Zonnebloem", "Uitstapjes begeleiden", 2)
    cohort.register("Sanne Bakker", ["Huisbezoek bij ouderen", "Uitstapjes begeleiden"])
    cohort.register("Tim de Vries", ["Uitstapjes begeleiden"])
    return cohort


def mail_about(stack, address: str, words: str) -> dict:
    """The e-mail to `address` whose subject names `words` (the wording around it may change)."""
    found = lambda: [m for m in stack.sink.summaries() if address in m["to"] and words in m["subject"]]  # noqa: E731
    return wait_until(found, 45, message=f"an e-mail about {words} to {address}")[-1]


def flash(person) -> str:
    return person.page.locator(".flash").first.inner_text()


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_the_coordinator_moderates_reads_the_figures_and_allocates_a_cohort(stack, visitor, phone):
    cohort = prepared(stack)
    person = visitor(phone=phone)
    page = person.page
    person.log_in_from_the_front_page("coordinator@example.org")
    assert page.locator("#waiting").inner_text() == "2 vacatures wachten op je goedkeuring."
    assert "2 studenten wachten op een verdeling" in page.locator("#cohort-todo").inner_text()

    # Moderation: each vacancy as the public will see it; one goes back with a reason, one is approved.
    person.click("Vacatures beoordelen")
    assert page.get_by_role("heading", name="Koffie bij mevrouw", level=2).is_visible()
    person.click("Terugsturen met een reden (Koffie bij mevrouw)")
    page.get_by_label("Reden voor de organisatie").fill("x")
    page.get_by_role("button", name="Terugsturen").click()
    person.check()
    assert page.locator("#f-reason-error").is_visible()  # the reason is required, said beside it
    page.get_by_label("Reden voor de organisatie").fill("Noem de wijk en hoe vaak het is.")
    page.get_by_role("button", name="Terugsturen").click()
    person.check()
    assert flash(person) == "Vacature teruggestuurd; het lid heeft per e-mail gehoord waarom"
    mail = mail_about(stack, "humanitas@enkhuizen.example.org", "Koffie bij mevrouw")
    assert "Noem de wijk en hoe vaak het is." in mail["text"]
    person.click("Goedkeuren en publiceren (Uitstapje naar zee)", role="button")
    assert flash(person) == "Vacature goedgekeurd en gepubliceerd"
    assert page.get_by_text("Er wachten geen vacatures op je goedkeuring.").is_visible()
    person.menu("Start")
    person.click("De vacaturebank zoals het publiek hem ziet")
    assert page.get_by_role("link", name="Uitstapje naar zee").count() == 1
    assert page.get_by_role("link", name="Koffie bij mevrouw").count() == 0

    # The response-time chart: the numbers are text beside the bars.
    page.go_back()
    person.check()
    person.menu("Reactietijden")
    chart = page.locator("#response-times").inner_text()
    assert "Present" in chart and "nog geen reacties opgepakt" in chart

    # A cohort: allocate, move a student by hand, publish.
    person.menu("Start")
    person.click(cohort.body["name"])
    assert "Startgetal" not in page.content()
    person.click("Verdelen", role="button")
    assert flash(person) == "Verdeling gemaakt: 2 van 2 studenten geplaatst"
    person.click("Een student met de hand verplaatsen")
    page.get_by_label("Student", exact=True).select_option(label="Sanne Bakker (Huisbezoek bij ouderen)")
    page.get_by_label("Nieuwe stageplek").select_option(
        label="Uitstapjes begeleiden — Zonnebloem (1 van 2 plekken bezet)"
    )
    page.get_by_role("button", name="Verplaatsen").click()
    person.check()
    assert flash(person) == "Sanne Bakker verplaatst naar Uitstapjes begeleiden (Zonnebloem)"
    assert "2 van 2 plekken bezet" in page.locator("#placements").inner_text()
    person.click("Verdeling publiceren", role="button")
    assert flash(person) == "Verdeling gepubliceerd; 2 studenten en 1 organisatie krijgen bericht"
    for student in ("sanne.bakker", "tim.de.vries"):
        mail_to(stack, f"{student}@student.example.org", "Je stageplek: Uitstapjes begeleiden")
    assert page.locator("#students").inner_text().count("geplaatst") == 2
