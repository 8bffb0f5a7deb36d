"""Each role's start page and menu: the site map people click through, across the three services.

Paths, not endpoint names: an entry may open a page of another service behind the same host (the
coordinator's menu reaches the delivery log of notifications). A test opens every entry as its role.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.i18n import LazyText
from shared.i18n import lazy_gettext as _l
from shared.identity import Principal, Role


@dataclass(frozen=True)
class Entry:
    label: LazyText
    path: str


MENUS: dict[str, tuple[Entry, ...]] = {
    Role.COORDINATOR: (
        Entry(_l("Start"), "/portaal"),
        Entry(_l("Vacancies to review"), "/portaal/moderatie"),
        Entry(_l("Response times"), "/portaal/reactietijden"),
        Entry(_l("Network settings"), "/portaal/netwerk"),
        Entry(_l("Member organisations"), "/portaal/leden"),
        Entry(_l("Categories"), "/portaal/categorieen"),
        Entry(_l("Education partners"), "/portaal/onderwijspartners"),
        Entry(_l("Access"), "/portaal/toegang"),
        Entry(_l("Privacy requests"), "/portaal/privacy"),
        Entry(_l("Student placements"), "/portaal/groepen"),
        Entry(_l("Students' progress"), "/onderwijs"),
        Entry(_l("Pass holders"), "/waardering/passen"),
        Entry(_l("Pass policy"), "/waardering/passen/beleid"),
        Entry(_l("Discount partners"), "/waardering/partners"),
        Entry(_l("Appreciation events"), "/waardering/evenementen"),
        Entry(_l("Messages sent"), "/berichten/log"),
        Entry(_l("E-mail examples"), "/berichten/voorbeeld"),
        Entry(_l("Log: students and responses"), "/portaal/auditlog"),
        Entry(_l("Log: passes and events"), "/waardering/auditlog"),
        Entry(_l("Log: messages"), "/berichten/auditlog"),
    ),
    Role.ORGANISATION: (
        Entry(_l("Start"), "/portaal"),
        Entry(_l("Vacancies"), "/portaal/vacatures"),
        Entry(_l("Responses"), "/portaal/reacties"),
        Entry(_l("Offer placements"), "/portaal/stageplekken"),
        Entry(_l("Student placements"), "/portaal/stages"),
        Entry(_l("Volunteer passes"), "/waardering/nominaties"),
        Entry(_l("Appreciation events"), "/waardering/evenementen"),
        Entry(_l("Our profile"), "/portaal/profiel"),
    ),
    Role.EDUCATION_PARTNER: (
        Entry(_l("Start"), "/onderwijs"),
        Entry(_l("Open a group"), "/onderwijs/groepen/nieuw"),
    ),
    Role.STUDENT: (Entry(_l("My placement"), "/student"),),
    Role.DISCOUNT_PARTNER: (
        Entry(_l("Start"), "/waardering/partner"),
        Entry(_l("Counter"), "/waardering/kassa"),
        Entry(_l("Your offers"), "/waardering/partner/aanbod"),
        Entry(_l("Figures"), "/waardering/partner/cijfers"),
    ),
}
PUBLIC_START = "/"
ROLE_NAMES = {
    Role.PLATFORM: _l("platform operator"),
    Role.COORDINATOR: _l("network coordinator"),
    Role.ORGANISATION: _l("member organisation"),
    Role.EDUCATION_PARTNER: _l("education partner"),
    Role.DISCOUNT_PARTNER: _l("discount partner"),
    Role.STUDENT: _l("student"),
    Role.VOLUNTEER: _l("volunteer"),
}


# Discount partners log in at appreciation; everyone else at recruitment's login.
LOGIN_PATHS = {Role.DISCOUNT_PARTNER: "/waardering/inloggen"}
DEFAULT_LOGIN = "/inloggen"


def login_path_for(roles: tuple[str, ...]) -> str:
    """The login page for a page open to `roles`: the one most of them use."""
    paths = [LOGIN_PATHS.get(role, DEFAULT_LOGIN) for role in roles]
    return max(set(paths), key=paths.count) if paths else DEFAULT_LOGIN


def menu_for(principal: Principal | None) -> tuple[Entry, ...]:
    return MENUS.get(principal.role, ()) if principal else ()


def start_page(principal: Principal | None) -> str:
    """Where a role lands after logging in, and where an error page's way on leads."""
    entries = menu_for(principal)
    return entries[0].path if entries else PUBLIC_START
