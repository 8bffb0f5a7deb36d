"""Which messages are essential, and what a person has refused. A refused kind is recorded as a
suppressed delivery (so the log shows why nothing was sent); essential messages always go out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications.models import Preference
from shared.db import utcnow

# Non-essential templates and the kind a person can refuse; every other template is essential.
KINDS = {
    "alert": "alerts",
    "match_question": "surveys",
    "pass_redeemed": "receipts",
    "event_invitation": "invitations",
    "feedback_request": "surveys",
}
KIND_NAMES = ("alerts", "receipts", "invitations", "surveys")


def kind_of(template: str) -> str | None:
    return KINDS.get(template)


def preference(session: Session, email: str) -> Preference | None:
    return session.get(Preference, email.lower())


def of_each(session: Session, emails: list[str]) -> dict[str, Preference]:
    """The preferences of these addresses (lower case), in one query per thousand: a batch of
    invitations is hundreds of people."""
    found: dict[str, Preference] = {}
    addresses = sorted({e.lower() for e in emails})
    for start in range(0, len(addresses), 1000):
        chunk = addresses[start : start + 1000]
        query = select(Preference).where(Preference.email.in_(chunk))
        found.update((pref.email, pref) for pref in session.scalars(query))
    return found


def refuses(pref: Preference | None, template: str) -> bool:
    kind = kind_of(template)
    return kind is not None and pref is not None and kind in (pref.refused or [])


def refuse(session: Session, email: str, kinds: list[str]) -> Preference:
    """Stop these kinds of message for `email`, now and for every later message."""
    pref = preference(session, email) or Preference(email=email.lower(), refused=[])
    pref.refused = sorted(set(pref.refused or []) | set(kinds))
    pref.updated_at = utcnow()
    session.add(pref)
    return pref


def save(session: Session, email: str, language: str | None, refused: list[str]) -> Preference:
    """Replace a person's preferences: their language (None: as each message's sender chose) and
    the non-essential kinds they refuse."""
    pref = preference(session, email) or Preference(email=email.lower())
    pref.language = language if language in ("nl", "en") else None
    pref.refused = sorted(set(refused) & set(KIND_NAMES))
    pref.updated_at = utcnow()
    session.add(pref)
    return pref
