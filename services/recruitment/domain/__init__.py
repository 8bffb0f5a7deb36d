"""Recruitment's rules, free of Flask, Celery and sessions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import nh3

from shared.identity import Principal, Role


class DomainError(Exception):
    """A rule of the domain refuses the command."""


class NotAllowed(DomainError):
    """The caller may not do this to this record."""


class InvalidTransition(DomainError):
    """The record is not in a state that allows this step."""


class VacancyStatus:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    FILLED = "filled"
    CLOSED = "closed"
    EXPIRED = "expired"
    ENDED = (FILLED, CLOSED, EXPIRED)
    ALL = (DRAFT, SUBMITTED, PUBLISHED, FILLED, CLOSED, EXPIRED)


# Which step may follow which: the whole workflow at a glance.
TRANSITIONS = {
    "submit": ({VacancyStatus.DRAFT}, VacancyStatus.SUBMITTED),
    "approve": ({VacancyStatus.SUBMITTED}, VacancyStatus.PUBLISHED),
    "reject": ({VacancyStatus.SUBMITTED}, VacancyStatus.DRAFT),
    "withdraw": ({VacancyStatus.SUBMITTED}, VacancyStatus.DRAFT),
    "fill": ({VacancyStatus.PUBLISHED}, VacancyStatus.FILLED),
    "close": ({VacancyStatus.DRAFT, VacancyStatus.SUBMITTED, VacancyStatus.PUBLISHED}, VacancyStatus.CLOSED),
    "expire": ({VacancyStatus.PUBLISHED}, VacancyStatus.EXPIRED),
}

PAST = {
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "withdraw": "withdrawn",
    "fill": "marked as filled",
    "close": "closed",
    "expire": "expired",
}

FREQUENCIES = ("once", "weekly", "biweekly", "monthly", "flexible")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Seed of every new network's category list: the guide's flyer table.
DEFAULT_ACTIVITIES = {
    "home-visits": "Vriendschappelijk huisbezoek",
    "odd-jobs": "Klussendienst",
    "hospital-visits": "Begeleiding bij ziekenhuisbezoek",
    "buddy-care": "Maatjes en buddyzorg",
    "social-isolation": "Hulp bij eenzaamheid",
    "shopping": "Boodschappendienst",
    "palliative-care": "Palliatieve en terminale zorg",
    "outings": "Uitstapjes en vakanties",
    "informal-carers": "Ondersteuning mantelzorgers",
    "home-administration": "Thuisadministratie",
}

# What the editor's toolbar (Trix) makes, and the simple HTML the API has always taken. Trix's
# heading is an h1: inside a vacancy page that would be a second page title, so it becomes an h3.
ALLOWED_TAGS = {"p", "div", "br", "strong", "em", "del", "ul", "ol", "li", "a", "h1", "h3", "blockquote"}
_TOOLBAR_HEADING = re.compile(r"<(/?)h1>")


def transition(vacancy, step: str, now: datetime) -> None:
    """Move the vacancy along the workflow, or refuse with a reason a member understands."""
    allowed_from, target = TRANSITIONS[step]
    if vacancy.status not in allowed_from:
        raise InvalidTransition(f"a {vacancy.status} vacancy cannot be {PAST[step]}")
    vacancy.status = target
    stamp = {"submit": "submitted_at", "approve": "published_at"}.get(step, "closed_at")
    if step not in ("reject", "withdraw"):
        setattr(vacancy, stamp, now)


def safe_description(html: str) -> str:
    """Keep simple formatting (paragraphs, lists, emphasis, links); drop everything else."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return _TOOLBAR_HEADING.sub(r"<\1h3>", cleaned)


def plain_text(html: str) -> str:
    return " ".join(nh3.clean(html, tags=set()).split())


# --- who may do what -------------------------------------------------------------------------


def is_drafter(principal: Principal, vacancy) -> bool:
    return principal.role == Role.ORGANISATION and principal.organisation_id == vacancy.organisation_id


def is_coordinator_of(principal: Principal, network_id: str) -> bool:
    return principal.role == Role.COORDINATOR and principal.network_id == network_id


def may_edit_vacancy(principal: Principal, vacancy) -> bool:
    """A member edits only its own vacancies; the network's coordinator may edit any."""
    return is_drafter(principal, vacancy) or is_coordinator_of(principal, vacancy.network_id)


def ensure_may_edit(principal: Principal, vacancy) -> None:
    if not may_edit_vacancy(principal, vacancy):
        raise NotAllowed("only the organisation that drafted this vacancy may change it")


def ensure_coordinator(principal: Principal, network_id: str) -> None:
    if not is_coordinator_of(principal, network_id):
        raise NotAllowed("only the network's coordinator may do this")


# A draft is edited freely; a published vacancy is revised under its network's moderation rule
# (usecases.vacancies.revise_published). A submitted one is withdrawn first; an ended one is done.
EDITABLE = (VacancyStatus.DRAFT, VacancyStatus.PUBLISHED)


def ensure_editable(vacancy) -> None:
    if vacancy.status != VacancyStatus.DRAFT:
        raise InvalidTransition("only a draft vacancy can be edited")


def ensure_revisable(vacancy) -> None:
    if vacancy.status != VacancyStatus.PUBLISHED:
        raise InvalidTransition("only a published vacancy can be revised")


def edit_needs_moderation(vacancy, moderated: bool) -> bool:
    """In a moderated network the coordinator approves what the public sees: a change to a
    published vacancy goes back to the coordinator before it shows."""
    return moderated and vacancy.status == VacancyStatus.PUBLISHED


def publishers(vacancy) -> list:
    """The drafting member and every co-publisher that accepted, in that order."""
    accepted = [c.organisation for c in vacancy.co_publishers if c.status == "accepted"]
    return [vacancy.organisation, *sorted(accepted, key=lambda o: o.name)]


def is_publisher(principal: Principal, vacancy) -> bool:
    return principal.role == Role.ORGANISATION and any(
        o.id == principal.organisation_id for o in publishers(vacancy)
    )


# --- responses -------------------------------------------------------------------------------

RESPONSE_STATUSES = ("new", "contacted", "started", "declined")
RESPONSE_NEXT = {
    "new": {"contacted", "declined"},
    "contacted": {"started", "declined"},
    "started": set(),
    "declined": set(),
}


def change_response_status(response, status: str, now: datetime, note: str | None = None) -> None:
    """Move a response on; a note (what was agreed, why not) replaces the previous one if given."""
    if status not in RESPONSE_NEXT[response.status]:
        raise InvalidTransition(f"a response that is {response.status} cannot become {status}")
    response.status = status
    if note is not None and note.strip():
        response.note = note.strip()
    response.first_action_at = response.first_action_at or now


def needs_reminder(response, now: datetime, after: timedelta) -> bool:
    return (
        response.status == "new"
        and response.reminder_sent_at is None
        and (now - response.created_at >= after)
    )


# --- alerts ----------------------------------------------------------------------------------

ALERT_FREQUENCIES = ("immediately", "daily", "weekly")
DIGEST_PERIOD = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def matches(
    criteria: dict, vacancy, stems: set[str] | None = None, query_stems: set[str] | None = None
) -> bool:
    """Whether a published vacancy fits a saved search (the same filters as the vacancy bank)."""
    if criteria.get("category") and (
        vacancy.category is None or vacancy.category.key != criteria["category"]
    ):
        return False
    if criteria.get("area") and criteria["area"] not in vacancy.areas:
        return False
    if criteria.get("organisation") and criteria["organisation"] not in {o.id for o in publishers(vacancy)}:
        return False
    if criteria.get("students") and not vacancy.suitable_for_students:
        return False
    if criteria.get("no_vog") and vacancy.vog_required:
        return False
    if criteria.get("long_term") is not None and vacancy.long_term != criteria["long_term"]:
        return False
    if criteria.get("max_hours") and (vacancy.hours_per_week or 0) > criteria["max_hours"]:
        return False
    return not query_stems or query_stems <= (stems or set())


# --- student placements ----------------------------------------------------------------------

COHORT_KINDS = ("introduction", "longer")
# Students and organisations live by Dutch days: "today" and times on pages are in this zone.
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
SHORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: it is read aloud and typed


def registration_closed_reason(cohort, now: datetime) -> str | None:
    """Why a cohort takes no registrations now, in words a student understands; None if it does."""
    if cohort.registration_closed_at is not None:
        return "registration for this group has been closed"
    if now < cohort.opens_at:
        return "registration has not opened yet"
    if now >= cohort.closes_at:
        return "registration closed at the end of the registration period"
    return None


def ensure_allocation_open(cohort) -> None:
    """Placements are offered and changed only until the cohort's allocation is published: after
    that, students and organisations hold their places."""
    if cohort.published_at is not None:
        raise InvalidTransition("the allocation of this group is published: placements can no longer change")


def is_partner_of(principal: Principal, partner_id: str) -> bool:
    return principal.role == Role.EDUCATION_PARTNER and principal.partner_id == partner_id


def ensure_partner_or_coordinator(principal: Principal, cohort) -> None:
    """An education partner acts only on its own cohorts; the coordinator on every cohort."""
    if not (is_partner_of(principal, cohort.partner_id) or is_coordinator_of(principal, cohort.network_id)):
        raise NotAllowed("only the cohort's education partner or the network's coordinator may do this")


def ensure_placement_owner(principal: Principal, placement) -> None:
    """An organisation acts only on its own placements; the coordinator on every placement."""
    own = principal.role == Role.ORGANISATION and principal.organisation_id == placement.organisation_id
    if not (own or is_coordinator_of(principal, placement.network_id)):
        raise NotAllowed("only the organisation offering this placement may do this")


def counted_hours(entries) -> float:
    """Hours that count towards sign-off: approved entries, with the organisation's correction."""
    return sum(
        e.approved_hours if e.approved_hours is not None else e.hours
        for e in entries
        if e.status in ("approved", "corrected")
    )
