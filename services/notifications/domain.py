"""Notifications' rules, free of Flask, Celery and sessions: who is told, what may be refused, retries."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta


class DeliveryStatus:
    """Where a delivery stands: waiting, being sent, sent, failed for good, or not to be sent."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"  # the person unsubscribed from this kind of message


STATUSES = (
    DeliveryStatus.PENDING,
    DeliveryStatus.SENDING,
    DeliveryStatus.SENT,
    DeliveryStatus.FAILED,
    DeliveryStatus.SUPPRESSED,
)
SUPPRESSED_BECAUSE = "the recipient unsubscribed from this kind of message"

# Non-essential templates and the kind a person can refuse; every other template is essential.
KINDS = {
    "alert": "alerts",
    "match_question": "surveys",
    "pass_redeemed": "receipts",
    "event_invitation": "invitations",
    "feedback_request": "surveys",
}
KIND_NAMES = ("alerts", "receipts", "invitations", "surveys")
LANGUAGES = ("nl", "en")


def kind_of(template: str) -> str | None:
    """The kind a person can refuse this template as; None for an essential message."""
    return KINDS.get(template)


def is_essential(template: str) -> bool:
    """Essential messages (login links, the pass itself) always go out, whatever was refused."""
    return kind_of(template) is None


def refuses(refused: Collection[str] | None, template: str) -> bool:
    """Whether someone who refused these kinds refuses this template."""
    kind = kind_of(template)
    return kind is not None and kind in (refused or [])


def refused_with(refused: Collection[str] | None, kinds: Collection[str]) -> list[str]:
    """The kinds refused once `kinds` are stopped too: a refusal adds, never replaces."""
    return sorted(set(refused or []) | set(kinds))


def refusable(kinds: Collection[str]) -> list[str]:
    """Of the kinds a person asked to refuse, those that can be: essential messages cannot."""
    return sorted(set(kinds) & set(KIND_NAMES))


def chosen_language(language: str | None) -> str | None:
    """A language a person can choose; None: as each message's sender chose."""
    return language if language in LANGUAGES else None


def language_for(chosen: str | None, senders: str) -> str:
    """A person's chosen language wins over the one the message's sender chose."""
    return chosen or senders


def first_status(refused: Collection[str] | None, template: str) -> tuple[str, str]:
    """A new delivery's status and the reason the log shows: a refused kind is suppressed, not sent."""
    if refuses(refused, template):
        return DeliveryStatus.SUPPRESSED, SUPPRESSED_BECAUSE
    return DeliveryStatus.PENDING, ""


@dataclass(frozen=True)
class BackOff:
    """When a delivery that failed temporarily is tried again, and when it is given up."""

    first: timedelta = timedelta(seconds=30)
    most: timedelta = timedelta(minutes=15)
    give_up_after: timedelta = timedelta(days=3)

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt: doubling, capped, ±20 % jitter (so that
        deliveries postponed together do not all come back together)."""
        doublings = min(max(0, attempts - 1), 32)  # 2**32 steps are past any cap; more would overflow
        step = min(self.most, self.first * 2**doublings)
        return step * random.uniform(0.8, 1.2)

    def gives_up(self, created_at: datetime, now: datetime) -> bool:
        """A delivery recorded longer ago than `give_up_after` is failed, not tried again."""
        return now - created_at > self.give_up_after


# Who gets one event's message: data -> [(recipient, extra context)]; a recipient is a dict with
# "name", "email" and "language".
Recipients = Callable[[dict], list[tuple[dict, dict]]]

# A batch's lists of people, kept out of each person's message: nobody's link in another's row.
BATCH_LISTS = ("invitees", "people")


def to(key: str) -> Recipients:
    """One recipient, found under `key` in the payload."""
    return lambda data: [(data[key], {})]


def to_each(key: str) -> Recipients:
    """Every recipient in the list under `key`."""
    return lambda data: [(r, {}) for r in data[key]]


def publisher_of_vacancy(data: dict) -> list[tuple[dict, dict]]:
    """The vacancy's contact person, in the vacancy's language."""
    return [
        ({"name": data["contact_name"], "email": data["contact_email"], "language": data["language"]}, {})
    ]


def both_sides_of_match(data: dict) -> list[tuple[dict, dict]]:
    """The volunteer and the organisation, each with their own answer links."""
    return [
        (
            data["volunteer"],
            {"yes_url": data["volunteer_yes_url"], "no_url": data["volunteer_no_url"], "as_volunteer": True},
        ),
        (
            data["organisation"],
            {
                "yes_url": data["organisation_yes_url"],
                "no_url": data["organisation_no_url"],
                "as_volunteer": False,
            },
        ),
    ]


def each_invitee(data: dict) -> list[tuple[dict, dict]]:
    """One invitation per person in the batch, each with their own sign-up link."""
    return [(person, {"signup_url": person["signup_url"]}) for person in data["invitees"]]


def each_person(data: dict) -> list[tuple[dict, dict]]:
    """One message per person in the batch, each with their own link."""
    return [(person, {"url": person["url"]}) for person in data["people"]]


def by_address(recipients: list[tuple[dict, dict]]) -> dict[str, tuple[dict, dict]]:
    """Recipients by lower-case address, the first of each kept: two publishers sharing one contact
    address get one message."""
    people: dict[str, tuple[dict, dict]] = {}
    for person, extra in recipients:
        people.setdefault(person["email"].lower(), (person, extra))
    return people


def shared_context(data: dict) -> dict:
    """What every recipient's message of one event shows: the payload without the batch's lists."""
    return {k: v for k, v in data.items() if k not in BATCH_LISTS}


def display_name(name: str) -> str:
    """A name on one line, single spaces (as it goes into the To header)."""
    return " ".join(name.split())
