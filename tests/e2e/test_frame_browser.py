"""The frame every page shares, tried as each role would: a page without a session sends the person
to the login and, after the e-mail link, back to it; each role lands on its own start page with a
menu, and every page of the menu opens and is usable on a phone and by a screen reader; error pages
are Dutch pages in the frame with a way on."""

import pytest

from shared.web.menu import MENUS
from tests.support.appreciation import pass_network
from tests.support.placements import partner_with_cohort
from tests.support.recruitment import network_with_members

pytestmark = pytest.mark.integration

ROLES = {  # who logs in, and the start page they land on
    "coordinator": ("coordinator@example.org", "/portaal"),
    "organisation": ("humanitas@enkhuizen.example.org", "/portaal"),
    "education_partner": (None, "/onderwijs"),
    "discount_partner": ("kassa@drommedaris.example.org", "/waardering/partner"),
}
LOGIN_LINKS = {"discount_partner": ("Inloggen voor kortingspartners", "Log mij in")}
EVERYONE_ELSE = ("Inloggen voor organisaties, coördinatoren en onderwijspartners", "Inloggen")


@pytest.fixture
def backend(sqlite_provider):
    """The frame's pages on SQLite only: see tests/e2e/conftest.py."""
    return sqlite_provider


def test_a_bookmarked_page_leads_through_the_login_and_back(stack, visitor):
    network_with_members(stack.app("recruitment"))
    person = visitor()
    person.page.goto(f"{person.base}/portaal/stages")  # a bookmark: the one address typed
    assert person.page.url.endswith("/n/enkhuizen/inloggen?next=/portaal/stages")
    person.check()
    person.log_in("humanitas@enkhuizen.example.org")
    assert person.page.url.endswith("/portaal/stages")
    assert person.page.get_by_role("navigation", name="Menu").is_visible()


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_lands_on_its_start_page_and_every_menu_page_opens(stack, visitor, role, phone):
    pn = pass_network(stack)
    pn.admit_partner("Theater De Drommedaris", contact_email=ROLES["discount_partner"][0])
    cohort = partner_with_cohort(pn.net)
    address, start = ROLES[role]
    address = address or cohort.body.get("partner_email") or _partner_address(stack)
    entry, confirm = LOGIN_LINKS.get(role, EVERYONE_ELSE)
    person = visitor(phone=phone)
    person.page.goto(person.base + "/")
    person.check()
    person.click(entry)
    person.log_in(address, confirm=confirm)
    assert person.page.url == person.base + start
    person.check()
    entries = _menu(stack, role)
    assert person.page.get_by_role("navigation", name="Menu").get_by_role("link").all_inner_texts() == entries
    for label in entries:
        person.menu(label)
        assert person.page.locator("h1").count() == 1, f"{label}: one heading per page"


def _menu(stack, role) -> list[str]:
    """The role's menu as a Dutch page shows it."""
    with stack.app("recruitment").test_request_context():
        return [str(entry.label) for entry in MENUS[role]]


def _partner_address(stack) -> str:
    from sqlalchemy import select

    from services.recruitment.models import EducationPartner

    with stack.kit("recruitment").db.reader() as session:
        return session.scalars(select(EducationPartner.contact_email)).one()


def test_error_pages_are_dutch_pages_in_the_frame_with_a_way_on(stack, visitor):
    network_with_members(stack.app("recruitment"))
    person = visitor()
    answer = person.page.goto(f"{person.base}/vacatures/bestaat-niet")
    assert answer.status == 404
    assert person.page.locator("h1").inner_text() == "Pagina niet gevonden"
    person.check()
    person.click("Naar de voorpagina")
    assert person.page.url == person.base + "/"


def test_a_login_never_sends_anyone_to_another_site(stack):
    app = stack.app("recruitment")
    network_with_members(app)
    client = app.test_client()
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        page = client.get("/inloggen", query_string={"next": target})
        assert page.location == "/n/enkhuizen/inloggen", target
