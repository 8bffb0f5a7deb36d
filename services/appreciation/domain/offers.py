"""Discount partners' offers: who may use one (the audience rule), when it applies, how often (its
slots), and what the counter answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from services.appreciation.domain.clock import LOCAL_TIME
from services.appreciation.domain.passes import PassStatus

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
    PAUSED = "paused"  # the partner paused the offer for now
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
        PAUSED: "This offer is paused.",
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


def is_current(offer, today: date) -> bool:
    """Whether the offer is still on the list: not past its last day (the partner may withdraw it
    sooner, which is stored apart)."""
    return offer.valid_until is None or offer.valid_until >= today


def applies_at(offer, moment: datetime) -> bool:
    """Whether the offer is on at this moment (window, weekdays, hours; local time)."""
    local = moment.astimezone(LOCAL_TIME)
    today = local.date()
    if offer.valid_from and today < offer.valid_from:
        return False
    if not is_current(offer, today):
        return False
    if offer.weekdays and local.isoweekday() not in offer.weekdays:
        return False
    now = local.time().replace(second=0, microsecond=0)  # "until 17:00" includes 17:00:30
    starts, ends = offer.starts_at or time.min, offer.ends_at or time.max
    return starts <= now <= ends


def matches(offer, holder, moment: datetime) -> bool:
    """Whether this holder may use the offer at this moment (what the counter page lists)."""
    return is_eligible(offer, holder) and applies_at(offer, moment)


@dataclass(frozen=True)
class Slots:
    """The redemption slots an offer allows a pass in the current period: (period key, how many)."""

    period: str
    count: int | None  # None: unlimited


def slots(offer, moment: datetime) -> Slots:
    """The slots of the period `moment` falls in (local time): once is one slot for ever."""
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


def refused_when_used_up(offer) -> str:
    """The outcome when every slot of the period is taken."""
    return Outcome.ALREADY_USED if offer.usage == "once" else Outcome.LIMIT_REACHED


@dataclass(frozen=True)
class Availability:
    """Whether a pass may use an offer now; if not, why (an Outcome) and from when (local time;
    None when that is not knowable, as for a once-offer already used)."""

    refusal: str | None = None
    again: datetime | None = None

    # Why an offer is unavailable, as the counter says it before anyone taps (catalogue: nl.counter.po).
    REASONS = {
        Outcome.ALREADY_USED: "already used; this offer is once per pass.",
        Outcome.LIMIT_REACHED: "already used this period.",
        Outcome.SOLD_OUT: "the quantity is used up.",
        Outcome.NOT_NOW: "not on this day or at this hour.",
        Outcome.NOT_ELIGIBLE: "this offer is not for this pass.",
        Outcome.PAUSED: "paused by the partner.",
    }

    @property
    def available(self) -> bool:
        return self.refusal is None


def availability(offer, holder, uses: list[datetime], now: datetime) -> Availability:
    """Whether a pass may use an offer now, given its uses not undone (this period's at least)."""
    if offer.paused_at is not None:
        return Availability(Outcome.PAUSED)  # until the partner resumes it: no moment to name
    if not is_eligible(offer, holder):
        return Availability(Outcome.NOT_ELIGIBLE)
    if offer.usage == "once" and uses:
        return Availability(Outcome.ALREADY_USED)
    if offer.total_quantity is not None and offer.redeemed >= offer.total_quantity:
        return Availability(Outcome.SOLD_OUT)
    if offer.usage == "per_period":
        current = slots(offer, now).period
        if sum(1 for used in uses if slots(offer, used).period == current) >= (offer.per_period or 1):
            return Availability(Outcome.LIMIT_REACHED, next_applicable(offer, next_period_start(offer, now)))
    if not applies_at(offer, now):
        return Availability(Outcome.NOT_NOW, next_applicable(offer, now))
    return Availability()


def next_period_start(offer, moment: datetime) -> datetime:
    """The local midnight that starts the period after the one `moment` falls in."""
    local = moment.astimezone(LOCAL_TIME).date()
    if offer.period == "week":
        first = local + timedelta(days=8 - local.isoweekday())
    elif offer.period == "month":
        first = date(local.year + local.month // 12, local.month % 12 + 1, 1)
    else:
        first = date(local.year + 1, 1, 1)
    return datetime.combine(first, time.min, LOCAL_TIME)


def next_applicable(offer, moment: datetime) -> datetime | None:
    """The first local moment from `moment` on when the offer applies, or None if never again."""
    local = moment.astimezone(LOCAL_TIME)
    if offer.valid_from and local.date() < offer.valid_from:
        local = datetime.combine(offer.valid_from, time.min, LOCAL_TIME)
    starts, ends = offer.starts_at or time.min, offer.ends_at or time.max
    for ahead in range(8):  # every weekday comes round within a week
        day = local.date() + timedelta(days=ahead)
        if not is_current(offer, day):
            return None
        if offer.weekdays and day.isoweekday() not in offer.weekdays:
            continue
        candidate = datetime.combine(day, starts, LOCAL_TIME)
        if ahead == 0 and candidate < local:
            if local.time().replace(second=0, microsecond=0) > ends:
                continue  # today's hours are over
            candidate = local
        return candidate
    return None
