"""Appreciation's rules for the volunteer pass, free of Flask, Celery and sessions: pass numbers,
validity, and when an offer applies."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.identity import Principal, Role

# The network's wall clock: offers say "weekdays until 17:00" in Dutch time.
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


class DomainError(Exception):
    """A rule of the domain refuses the command."""


class NotAllowed(DomainError):
    """The caller may not do this to this record."""


class InvalidTransition(DomainError):
    """The record is not in a state that allows this step."""


class TokenRevoked(DomainError):
    """The caller's API token was revoked after it was last checked (see TOKEN_SECONDS)."""


# --- pass numbers ----------------------------------------------------------------------------

NUMBER_DIGITS = 12  # 11 random digits and a Luhn check digit, shown as 1234 5678 9012


def luhn_check_digit(digits: str) -> str:
    """The digit that makes `digits` + it pass the Luhn check (catches every single typo and most
    swaps of neighbouring digits, which is what happens when a number is typed at a counter)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def new_pass_number() -> str:
    body = str(secrets.randbelow(9 * 10 ** (NUMBER_DIGITS - 2)) + 10 ** (NUMBER_DIGITS - 2))
    return body + luhn_check_digit(body)


def normalise_number(typed: str) -> str | None:
    """The pass number in `typed` (spaces and dashes allowed), or None if it cannot be one."""
    digits = "".join(c for c in typed if not c.isspace() and c != "-")
    # ASCII digits only: str.isdigit() also accepts '²' and other scripts' digits.
    if len(digits) != NUMBER_DIGITS or any(c not in "0123456789" for c in digits):
        return None
    return digits if luhn_check_digit(digits[:-1]) == digits[-1] else None


def grouped(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


# --- validity --------------------------------------------------------------------------------

VALIDITY_KINDS = ("calendar_year", "twelve_months")


def local_today() -> date:
    """Today on the Dutch calendar (a pass issued just after midnight belongs to the new day)."""
    return datetime.now(LOCAL_TIME).date()


def validity(kind: str, today: date) -> tuple[date, date]:
    """(first, last day) of a pass issued today under the network's policy."""
    if kind == "calendar_year":
        return today, date(today.year, 12, 31)
    try:
        anniversary = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        anniversary = date(today.year + 1, 3, 1)
    return today, anniversary - timedelta(days=1)


class PassStatus:
    ACTIVE = "active"
    REVOKED = "revoked"
    REPLACED = "replaced"
    EXPIRED = "expired"  # shown when the validity has passed; the stored status stays active


def shown_status(pass_, today: date) -> str:
    if pass_.status == PassStatus.ACTIVE and today > pass_.valid_until:
        return PassStatus.EXPIRED
    return pass_.status


# --- offers ----------------------------------------------------------------------------------

DISCOUNT_KINDS = ("percentage", "amount", "two_for_one", "free")
USAGE_RULES = ("unlimited", "once", "per_period")
PERIODS = ("week", "month", "year")
AUDIENCES = ("all", "organisations", "students")


class Outcome:
    """What the counter sees; each has a Dutch sentence in the catalogue."""

    REDEEMED = "redeemed"
    ALREADY_USED = "already_used"
    LIMIT_REACHED = "limit_reached"
    NOT_YET_VALID = "not_yet_valid"
    NO_LONGER_VALID = "no_longer_valid"
    REVOKED = "revoked"
    NOT_ELIGIBLE = "not_eligible"
    SOLD_OUT = "sold_out"
    NOT_NOW = "not_now"  # outside the offer's days, times or window
    UNKNOWN = "unknown"  # no pass has this code

    MESSAGES = {
        REDEEMED: "Redeemed.",
        ALREADY_USED: "Already used: this pass has had this offer.",
        LIMIT_REACHED: "Limit reached for this period.",
        NOT_YET_VALID: "This pass is not valid yet.",
        NO_LONGER_VALID: "This pass is no longer valid.",
        REVOKED: "This pass has been revoked or replaced.",
        NOT_ELIGIBLE: "This offer is not for this pass holder.",
        SOLD_OUT: "Sold out: the offer's quantity is used up.",
        NOT_NOW: "This offer does not apply now.",
        UNKNOWN: "No pass has this code.",
    }


def pass_refusal(pass_, today: date) -> str | None:
    """Why this pass cannot be used today, or None."""
    if pass_.status != PassStatus.ACTIVE:
        return Outcome.REVOKED
    if today < pass_.valid_from:
        return Outcome.NOT_YET_VALID
    if today > pass_.valid_until:
        return Outcome.NO_LONGER_VALID
    return None


def is_eligible(offer, holder) -> bool:
    """Who may use the offer: all pass holders, volunteers of given organisations, or students."""
    if offer.audience == "all":
        return True
    if offer.audience == "students":
        return holder.is_student
    return bool(set(holder.organisation_ids) & set(offer.organisations or []))


def applies_at(offer, moment: datetime) -> bool:
    """Whether the offer is on at this moment (window, weekdays, hours; local time)."""
    local = moment.astimezone(LOCAL_TIME)
    today = local.date()
    if offer.valid_from and today < offer.valid_from:
        return False
    if offer.valid_until and today > offer.valid_until:
        return False
    if offer.weekdays and local.isoweekday() not in offer.weekdays:
        return False
    now = local.time().replace(second=0, microsecond=0)  # "until 17:00" includes 17:00:30
    starts, ends = offer.starts_at or time.min, offer.ends_at or time.max
    return starts <= now <= ends


@dataclass(frozen=True)
class Slots:
    """The redemption slots an offer allows a pass in the current period: (period key, how many)."""

    period: str
    count: int | None  # None: unlimited


def slots(offer, moment: datetime) -> Slots:
    local = moment.astimezone(LOCAL_TIME)
    if offer.usage == "unlimited":
        return Slots("", None)
    if offer.usage == "once":
        return Slots("once", 1)
    year, week, _ = local.isocalendar()
    period = {
        "week": f"{year}-W{week:02d}",
        "month": f"{local.year}-{local.month:02d}",
        "year": f"{local.year}",
    }[offer.period]
    return Slots(period, offer.per_period)


# --- who may do what -------------------------------------------------------------------------


def is_coordinator_of(principal: Principal, network_id: str) -> bool:
    return principal.role == Role.COORDINATOR and principal.network_id == network_id


def ensure_partner_of(principal: Principal, partner_id: str) -> None:
    """A discount partner acts only on its own offers and redemptions."""
    if not (principal.role == Role.DISCOUNT_PARTNER and principal.partner_id == partner_id):
        raise NotAllowed("only the discount partner itself may do this")


def first_name(name: str) -> str:
    """What the counter sees of the holder: no more than it needs."""
    return name.split()[0] if name.split() else ""
