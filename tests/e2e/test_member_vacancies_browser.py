"""A member organisation's vacancy, from draft to filled, through pages only: it logs in by the
e-mail link, drafts a vacancy with every field (formatted text with the toolbar), previews and
submits it in a moderated network, invites a co-publisher who accepts from its e-mail link, follows
the "new response" e-mail to the response and moves it on with a note, copies and closes it. And
the editor without JavaScript: the plain textarea works, and the server keeps the text safe."""

import pytest

from tests.support.browser import _REPEATED_IDS, PHONE, Visitor
from tests.support.mail import mail_to
from tests.support.recruitment import network_with_members

pytestmark = pytest.mark.integration

HUMANITAS = "humanitas@enkhuizen.example.org"
ZONNEBLOEM = "zonnebloem@enkhuizen.example.org"
TITLE = "Maatje voor mevrouw Jansen"
LOGIN_LINK = "Inloggen voor organisaties, coördinatoren en onderwijspartners"


def flash(person) -> str:
    return person.page.locator(".flash").first.inner_text()


def enter_and_log_in(person, address: str) -> None:
    person.page.goto(person.base + "/")  # the front page: the one address typed
    person.check()
    person.click(LOGIN_LINK)
    person.log_in(address)
    person.check()


def fill_every_field(page) -> None:
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Activiteit").select_option(label="Maatjes en buddyzorg")
    page.get_by_label("Wijken").fill("Binnenstad, Oost")
    page.get_by_label("Plaats").fill("Enkhuizen")
    page.get_by_label("Uren per week").fill("3")
    page.get_by_label("Wanneer (dagen, tijden)").fill("dinsdagochtend")
    page.get_by_label("Hoe vaak").select_option(label="Om de week")
    page.get_by_label("Langdurig, één persoon").check()
    page.get_by_label("Startdatum").fill("2027-01-04")
    page.get_by_label("Einddatum").fill("2027-12-31")
    page.get_by_label("VOG vereist").check()
    page.get_by_label("Minimumleeftijd").fill("18")
    page.get_by_label("Talen").fill("Nederlands, Engels")
    page.get_by_label("Geschikt voor studenten").check()
    page.get_by_label("Contactpersoon (niet verplicht)", exact=True).fill("Anne de Vries")
    page.get_by_label("Telefoonnummer contactpersoon").fill("0228 123456")


def type_with_toolbar(page) -> None:
    editor = page.locator("trix-editor")
    editor.click()
    page.keyboard.type("Op dinsdag op bezoek bij ")
    page.get_by_role("button", name="Vet").click()
    page.keyboard.type("mevrouw Jansen")
    page.get_by_role("button", name="Vet").click()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Opsomming").click()
    page.keyboard.type("koffie drinken")


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_a_member_drafts_shares_and_fills_a_vacancy_through_pages(stack, visitor, phone):
    net = network_with_members(stack.app("recruitment"), moderated=True)
    member = visitor(phone=phone)
    enter_and_log_in(member, HUMANITAS)
    page = member.page

    member.menu("Vacatures")
    member.click("Nieuwe vacature")
    page.locator("trix-editor").wait_for()
    member.check()
    fill_every_field(page)
    type_with_toolbar(page)
    member.click("Concept opslaan en bekijken", role="button")
    assert flash(member).startswith("Concept opgeslagen")
    preview = page.locator("article")
    description = preview.locator(".description")
    assert description.locator("strong").inner_text() == "mevrouw Jansen"
    assert description.locator("li").inner_text() == "koffie drinken"
    assert "Maatjes en buddyzorg" in preview.inner_text() and "Binnenstad, Oost" in preview.inner_text()

    member.click("Indienen ter goedkeuring", role="button")
    assert flash(member) == "Vacature ingediend ter goedkeuring"
    vacancy_id = page.url.rsplit("/", 1)[1]
    review = mail_to(member.stack, "coordinator@example.org", "Ter beoordeling")
    assert TITLE in review["subject"] and "/portaal" in review["text"]
    # The coordinator approves (the moderation pages are another part of the back office).
    assert net.step("coordinator", vacancy_id, "approve").get_json()["status"] == "published"
    assert TITLE in mail_to(member.stack, HUMANITAS, "Je vacature staat online")["subject"]
    member.menu("Vacatures")
    member.click(TITLE)
    assert page.locator(".badge").first.inner_text() == "Gepubliceerd"

    page.get_by_label("Nodig een organisatie uit om deze vacature samen met jou te publiceren").select_option(
        label="Zonnebloem"
    )
    member.click("Uitnodiging versturen", role="button")
    assert flash(member) == "Uitnodiging verstuurd"

    partner = visitor(phone=phone)
    partner.open_mail_link(ZONNEBLOEM, f"Samen publiceren? {TITLE}", "/portaal/vacatures/")
    partner.check()  # the login page: the link needs a login first
    partner.log_in(ZONNEBLOEM)
    assert partner.page.url.endswith(f"/portaal/vacatures/{vacancy_id}")
    partner.check()
    partner.click("Uitnodiging aannemen", role="button")
    assert flash(partner) == "Uitnodiging aangenomen: jullie publiceren deze vacature samen"

    volunteer = visitor(phone=phone)
    volunteer.page.goto(f"{volunteer.base}/n/{net.slug}")  # the public vacancy bank
    volunteer.check()
    volunteer.click(TITLE)
    assert volunteer.page.locator(".publisher").all_inner_texts() == ["Humanitas", "Zonnebloem"]
    volunteer.page.get_by_label("Je naam").fill("Sanne Bakker")
    volunteer.page.get_by_label("E-mailadres").fill("sanne@example.org")
    volunteer.page.get_by_label("Ik geef toestemming").check()
    volunteer.click("Verstuur mijn reactie", role="button")

    assert mail_to(member.stack, "sanne@example.org", "We hebben je reactie ontvangen")
    assert "Sanne Bakker" in mail_to(member.stack, ZONNEBLOEM, f"Nieuwe reactie: {TITLE}")["text"]
    mail = member.open_mail_link(HUMANITAS, f"Nieuwe reactie: {TITLE}", "/portaal/reacties/")
    assert "Sanne Bakker" in mail["text"]
    member.check()
    assert page.locator("h1").inner_text() == "Reactie van Sanne Bakker"
    page.get_by_label("Nieuwe status").select_option(label="Benaderd")
    page.get_by_label("Notitie").fill("Gebeld; kennismaking dinsdag om 10 uur")
    member.click("Status opslaan", role="button")
    assert flash(member) == "Reactie gemarkeerd als benaderd"
    page.get_by_label("Nieuwe status").select_option(label="Gestart")
    member.click("Status opslaan", role="button")
    assert flash(member) == "Reactie gemarkeerd als gestart"
    assert "Gebeld; kennismaking dinsdag om 10 uur" in page.locator("dl.facts").inner_text()

    member.menu("Reacties")
    assert "Sanne Bakker" in page.locator("table").inner_text()
    member.click("Sanne Bakker")
    member.click(TITLE)
    member.click("Kopiëren als nieuw concept", role="button")
    assert flash(member) == "Vacature gekopieerd: de kopie is een nieuw concept"
    assert page.locator(".badge").first.inner_text() == "Concept"

    member.menu("Vacatures")
    page.locator("section", has=page.get_by_role("heading", name="Gepubliceerd")).get_by_role(
        "link", name=TITLE
    ).click()
    member.check()
    member.click("Sluiten: vervuld")
    assert page.locator("h1").inner_text() == "Weet je het zeker?"
    member.click("Ja, sluiten als vervuld", role="button")
    assert flash(member) == "Vacature afgesloten als vervuld"
    assert page.locator(".badge").first.inner_text() == "Vervuld"


class WithoutScript(Visitor):
    """Someone whose browser runs no JavaScript. axe-core needs scripts, so its check runs on the
    same pages with JavaScript in the journey above; here: nothing too wide, no repeated ids."""

    def __post_init__(self):
        self.context = self.browser.new_context(viewport=PHONE, java_script_enabled=False)
        self.page = self.context.new_page()

    def check(self) -> None:
        self.page.wait_for_load_state()
        assert self.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], self.page.url
        assert self.page.evaluate(_REPEATED_IDS) == [], self.page.url
        self.checked.append(self.page.url)


def test_the_editor_works_without_javascript_and_the_server_keeps_the_text_safe(stack, browser, site):
    network_with_members(stack.app("recruitment"))
    member = WithoutScript(browser, site, stack)
    try:
        _draft_and_publish_without_script(stack, member)
    finally:
        member.close()


def _draft_and_publish_without_script(stack, member) -> None:
    enter_and_log_in(member, HUMANITAS)

    member.menu("Vacatures")
    member.click("Nieuwe vacature")
    assert member.page.locator("textarea[name=description]").is_visible()
    member.click("Concept opslaan en bekijken", role="button")
    assert member.page.locator("#f-title-error").is_visible()  # Dutch, beside the field
    member.page.get_by_label("Titel").fill(TITLE)
    member.page.get_by_label("Beschrijving").fill(
        '<p>Op bezoek bij <strong>mevrouw</strong></p><script>alert(1)</script><img src=x onerror="alert(2)">'
    )
    member.click("Concept opslaan en bekijken", role="button")
    description = member.page.locator("article .description")
    assert description.locator("strong").inner_text() == "mevrouw"
    assert "script" not in description.inner_html() and "onerror" not in description.inner_html()
    member.click("Publiceren", role="button")
    assert flash(member) == "Vacature gepubliceerd"
    assert TITLE in mail_to(stack, HUMANITAS, "Je vacature staat online")["subject"]
