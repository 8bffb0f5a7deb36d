"""Browser journeys through pages only: a person enters through an e-mail link and then only
clicks. Every page they see is checked as people with a phone or a screen reader meet it: axe-core
finds no serious or critical violation, nothing is wider than the screen, no id is repeated."""

from __future__ import annotations

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

from tests.support.mail import mail_to, path_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SERIOUS = ("serious", "critical")
STAFF_LOGIN = "Inloggen voor organisaties, coördinatoren en onderwijspartners"  # the front page's link
_AXE = Axe()

_TOO_WIDE = """(limit) => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > limit + 1 && !el.closest('.table-wrap'))
  .slice(-3).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                      (el.className ? '.' + String(el.className).split(' ').join('.') : ''))"""

_REPEATED_IDS = """() => {
  const seen = {}, twice = [];
  for (const el of document.querySelectorAll('[id]')) {
    if (seen[el.id]) twice.push(el.id); seen[el.id] = true;
  }
  return twice;
}"""


def problems_of(page, phone: bool) -> list[str]:
    """What is wrong with the page as it stands, in words a failing test can show."""
    found = []
    for violation in _AXE.run(page).response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [node["target"] for node in violation["nodes"]][:5]
            found.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    if phone:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide = page.evaluate(_TOO_WIDE, PHONE["width"])
            found.append(f"the page is {width}px wide on a {PHONE['width']}px phone: {wide}")
    repeated = page.evaluate(_REPEATED_IDS)
    if repeated:
        found.append(f"repeated ids: {sorted(set(repeated))}")
    return found


@dataclass
class Visitor:
    """One person in a browser, at phone size or on a desktop, on the whole site (all services)."""

    browser: object
    base: str
    stack: object
    phone: bool = True
    checked: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.context = self.browser.new_context(viewport=PHONE if self.phone else DESKTOP)
        self.page = self.context.new_page()

    def check(self) -> None:
        """Assert the current page is fine for everyone; remember that it was checked."""
        self.page.wait_for_load_state()
        found = problems_of(self.page, self.phone)
        assert not found, f"{self.page.url}:\n" + "\n".join(found)
        self.checked.append(self.page.url)

    def open_mail_link(self, address: str, subject: str, marker: str) -> dict:
        """Open the link in the newest e-mail to `address`: the only address a journey types."""
        mail = mail_to(self.stack, address, subject)
        self.page.goto(self.base + path_in(mail["text"], marker))
        return mail

    def log_in(self, address: str, subject: str = "Je inloglink", confirm: str = "Inloggen") -> None:
        """Ask for a login link on the page the person is on (it sent them to the login), then
        open the link from the e-mail and confirm with the button named `confirm`."""
        self.page.get_by_label("E-mailadres").fill(address)
        self.page.get_by_role("button", name="Stuur mij een inloglink").click()
        self.check()
        self.open_mail_link(address, subject, "/inloggen/")
        self.check()
        self.page.get_by_role("button", name=confirm).click()
        self.page.wait_for_load_state()

    def log_in_from_the_front_page(
        self, address: str, entry: str = STAFF_LOGIN, confirm: str = "Inloggen"
    ) -> None:
        """Open the site's front page, follow its login link `entry`, and log in by e-mail."""
        self.page.goto(self.base + "/")
        self.check()
        self.click(entry)
        self.log_in(address, confirm=confirm)
        self.check()

    def click(self, name: str, role: str = "link") -> None:
        self.page.get_by_role(role, name=name, exact=True).first.click()
        self.page.wait_for_load_state()
        self.check()

    def menu(self, name: str) -> None:
        self.page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True).click()
        self.page.wait_for_load_state()
        self.check()

    def close(self) -> None:
        self.context.close()


def assert_fine(page, phone: bool = True) -> None:
    """For tests that drive a bare Playwright page: the same checks as `Visitor.check`."""
    page.wait_for_load_state()
    found = problems_of(page, phone)
    assert not found, f"{page.url}:\n" + "\n".join(found)
