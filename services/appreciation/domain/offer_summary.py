"""An offer's rules as structured parts for a plain summary (once per pass per month, Mon-Fri 10-17 h)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time


class OfferState:
    """Where an offer stands for its partner: on the list, paused by it for now, or ended (withdrawn
    or past its last day)."""

    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True)
class Summary:
    """What an offer allows, in parts a page puts into words (the words live in the catalogue)."""

    usage: str  # "once", "per_period" or "unlimited"
    per_period: int | None
    period: str | None  # "week", "month", "year"
    day_ranges: tuple[tuple[int, int], ...]  # ISO weekdays, consecutive runs; empty: every day
    starts_at: time | None
    ends_at: time | None
    valid_from: date | None
    valid_until: date | None
    total: int | None
    left: int | None  # None when the quantity is unlimited
    audience: str
    organisation_count: int


def day_ranges(weekdays) -> tuple[tuple[int, int], ...]:
    """Weekdays (1 is Monday) as runs of consecutive days: [1, 2, 3, 4, 5, 7] → ((1, 5), (7, 7)).
    All seven days, or none, is every day: an empty tuple."""
    days = sorted({int(d) for d in weekdays or () if 1 <= int(d) <= 7})
    if len(days) in (0, 7):
        return ()
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][1] + 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return tuple((first, last) for first, last in runs)


def summarise(offer) -> Summary:
    """The parts of an offer's rules, from anything with an offer's attributes."""
    total = offer.total_quantity
    return Summary(
        usage=offer.usage,
        per_period=offer.per_period if offer.usage == "per_period" else None,
        period=offer.period if offer.usage == "per_period" else None,
        day_ranges=day_ranges(offer.weekdays),
        starts_at=offer.starts_at,
        ends_at=offer.ends_at,
        valid_from=offer.valid_from,
        valid_until=offer.valid_until,
        total=total,
        left=None if total is None else max(total - (offer.redeemed or 0), 0),
        audience=offer.audience,
        organisation_count=len(offer.organisations or ()) if offer.audience == "organisations" else 0,
    )


def state(offer, today: date) -> str:
    """Ended (withdrawn by the partner, or past its last day), else paused or active."""
    if offer.withdrawn_at is not None:
        return OfferState.ENDED
    if offer.valid_until is not None and offer.valid_until < today:
        return OfferState.ENDED
    return OfferState.PAUSED if offer.paused_at is not None else OfferState.ACTIVE


def may_pause(offer, today: date) -> bool:
    """Only an offer that has not ended may be paused or resumed."""
    return state(offer, today) != OfferState.ENDED


def clock(moment: time) -> str:
    """A time as a Dutch summary says it: 10:00 → "10", 10:30 → "10:30"."""
    return f"{moment.hour}" if moment.minute == 0 else f"{moment.hour}:{moment.minute:02d}"
