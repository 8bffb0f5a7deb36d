"""Appreciation events (Gathering in code): who is invited (the audience rule), when sign-up is
open, how many seats a party takes, how an invitation moves from state to state, and how long a
place offered from the waiting list waits for its answer."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.appreciation.domain.errors import FieldRefused, FixedOncePublished, InvalidTransition

KINDS = ("volunteer_day", "pampering", "thank_you_evening", "training")
BATCH = 500  # invitations per batch: one task and one message event per 500 people
OFFER_HOURS = 48  # how long a freed place waits for the next person's answer …
OFFER_MINIMUM = timedelta(hours=2)  # … or half the time left before the gathering, but at least this


class GatheringStatus:
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class InvitationStatus:
    """An invitation's states. `claiming` is held for a moment while sign-up takes seats."""

    INVITED = "invited"
    CLAIMING = "claiming"
    SIGNED_UP = "signed_up"
    WAITING = "waiting"
    OFFERED = "offered"  # a place from the waiting list, until its deadline
    DECLINED = "declined"
    CANCELLED = "cancelled"
    LAPSED = "lapsed"  # an offered place not taken in time

    ANSWERED = (SIGNED_UP, WAITING, OFFERED)  # a second sign-up changes nothing
    MAY_SIGN_UP = (INVITED, DECLINED, CANCELLED, LAPSED)
    COMING = (SIGNED_UP, OFFERED)  # holding seats
    NOT_COMING = (DECLINED, CANCELLED)


# The guest list's groups: who came (signed up and checked in at the door) apart from who is coming.
ATTENDED = "attended"
# Their order: who is coming first, then who came, the waiting list and the rest.
GUEST_ORDER = ("signed_up", ATTENDED, "offered", "waiting", "invited", "declined", "cancelled", "lapsed")


def guest_group(status: str, checked_in: bool) -> str:
    """The group an invitation shows in on the guest list."""
    return ATTENDED if status == InvitationStatus.SIGNED_UP and checked_in else status


class GatheringClosed(InvalidTransition):
    """The gathering takes no (more) sign-ups."""


def audience_organisations(gathering) -> list[str] | None:
    """The organisations whose volunteers are invited, or None: every pass holder."""
    return list(gathering.organisations or []) if gathering.audience == "organisations" else None


def in_audience(gathering, organisation_ids: list[str]) -> bool:
    """Whether a pass holder nominated by these organisations is invited (given a valid pass)."""
    invited = audience_organisations(gathering)
    return invited is None or bool(set(invited) & set(organisation_ids))


def organised_by(organisation_id: str | None, fields: dict) -> dict:
    """A member organises for its own volunteers only; the coordinator (None) for anyone."""
    if organisation_id is None:
        return {**fields, "organiser_id": None}
    return {
        **fields,
        "organiser_id": organisation_id,
        "audience": "organisations",
        "organisations": [organisation_id],
    }


def ensure_sign_up_open(gathering, now: datetime) -> None:
    """Sign-up closes at its deadline, when the gathering starts, or when it is not published."""
    if (
        gathering.status != GatheringStatus.PUBLISHED
        or now > gathering.signup_deadline
        or now > gathering.starts_at
    ):
        raise GatheringClosed("sign-up for this event has closed")


def seats_for(gathering, guests: int) -> int:
    """The seats a person with `guests` guests takes, within what the gathering allows."""
    if not 0 <= guests <= gathering.guests_allowed:
        raise InvalidTransition(f"you may bring at most {gathering.guests_allowed} guest(s)")
    seats = 1 + guests
    if seats > gathering.capacity:
        raise InvalidTransition("the event has fewer places than that")
    return seats


# Chosen in the draft; once published, the invitations went out to this audience and people
# answered these questions, so they stay. Everything else may change while the event is on.
FIXED_ONCE_PUBLISHED = ("audience", "organisations", "questions")


def fixed_fields(gathering) -> tuple[str, ...]:
    """The fields its organiser can no longer change: none in a draft."""
    return FIXED_ONCE_PUBLISHED if gathering.status != GatheringStatus.DRAFT else ()


def ensure_may_change(gathering, changes: dict) -> None:
    """A cancelled gathering stays as it was; a published one keeps its audience and questions
    (the same value sent again is no change)."""
    if gathering.status == GatheringStatus.CANCELLED:
        raise InvalidTransition("a cancelled event cannot be changed")
    for name in fixed_fields(gathering):
        if name in changes and changes[name] != getattr(gathering, name):
            raise FixedOncePublished(name)


def ensure_places(gathering, capacity: int) -> None:
    """Places may go up at any time, and down as far as the places already taken."""
    if capacity < gathering.taken:
        raise FieldRefused("capacity", "More places are taken than that.")


def ensure_audience(gathering) -> None:
    """An event for chosen members names at least one."""
    if gathering.audience == "organisations" and not gathering.organisations:
        raise FieldRefused("organisations", "Name the organisations whose volunteers are invited.")


def ensure_times(gathering) -> None:
    """A gathering ends after it starts, and sign-up closes before it starts."""
    if gathering.ends_at <= gathering.starts_at or gathering.signup_deadline > gathering.starts_at:
        raise InvalidTransition("the event must end after it starts, and sign-up close before it")


def declining(status: str) -> str | None:
    """The state a 'not coming' answer leads to from `status`: declined before signing up,
    cancelled after; None if the person is not coming already."""
    if status in InvitationStatus.NOT_COMING:
        return None
    return InvitationStatus.DECLINED if status == InvitationStatus.INVITED else InvitationStatus.CANCELLED


def frees_seats(status: str) -> bool:
    """Whether leaving `status` gives seats back to the gathering."""
    return status in InvitationStatus.COMING


def place_offer_expiry(now: datetime, starts_at: datetime) -> datetime:
    """When a place offered from the waiting list lapses: OFFER_HOURS, or half the time left
    before the gathering but at least OFFER_MINIMUM, and never after it starts."""
    wait = min(timedelta(hours=OFFER_HOURS), max((starts_at - now) / 2, OFFER_MINIMUM))
    return min(now + wait, starts_at)


def may_offer_places(gathering, now: datetime) -> bool:
    """Freed places go to the waiting list only while the gathering is on and not yet under way."""
    return gathering.status == GatheringStatus.PUBLISHED and now < gathering.starts_at


def ensure_may_give_feedback(checked_in_at: datetime | None) -> None:
    """Feedback is for those who came."""
    if checked_in_at is None:
        raise InvalidTransition("feedback is for those who came")


MARKS = range(1, 11)  # feedback afterwards: a mark as Dutch schools give them


def feedback_mark(given: str) -> int | None:
    """The mark a person typed, if it is one of MARKS (whole numbers only)."""
    given = given.strip()
    return int(given) if given.isascii() and given.isdigit() and int(given) in MARKS else None
