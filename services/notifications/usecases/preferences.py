"""What a person has refused, loaded and saved. A refused kind is recorded as a suppressed delivery
(so the log shows why nothing was sent); essential messages always go out (the rules in `domain`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications.domain import chosen_language, refusable, refused_with
from services.notifications.models import Preference
from shared.db import utcnow


def preference(session: Session, email: str) -> Preference | None:
    """The preferences stated for this address, if any."""
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


def refuse(session: Session, email: str, kinds: list[str]) -> Preference:
    """Stop these kinds of message for `email`, now and for every later message."""
    pref = preference(session, email) or Preference(email=email.lower(), refused=[])
    pref.refused = refused_with(pref.refused, kinds)
    pref.updated_at = utcnow()
    session.add(pref)
    return pref


def save(session: Session, email: str, language: str | None, refused: list[str]) -> Preference:
    """Replace a person's preferences: their language (None: as each message's sender chose) and
    the non-essential kinds they refuse."""
    pref = preference(session, email) or Preference(email=email.lower())
    pref.language = chosen_language(language)
    pref.refused = refusable(refused)
    pref.updated_at = utcnow()
    session.add(pref)
    return pref
