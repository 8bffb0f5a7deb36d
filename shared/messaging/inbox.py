"""The idempotent consumer: each (event id, handler) pair takes effect once, whatever is redelivered."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared import contracts
from shared.db import Database, UTCDateTime, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """A received, validated event as handlers see it."""

    id: str
    type: str
    source: str
    time: datetime
    network_id: str | None
    data: dict


Handler = Callable[[Session, Event], None]


class InboxMixin:
    """Columns of a service's `inbox` table: which handler has already processed which event."""

    __tablename__ = "inbox"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    handler: Mapped[str] = mapped_column(String(200), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(100))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def handler_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def decode(message: dict) -> Event:
    """Validate a received envelope and payload against the contract (tolerant of extra fields)."""
    env, data = contracts.read(message)
    return Event(
        id=str(env["id"]),
        type=env["type"],
        source=env["source"],
        time=env["time"],
        network_id=env["network_id"],
        data=data,
    )


def dispatch(
    db: Database, inbox: type[InboxMixin], handlers: Mapping[str, Sequence[Handler]], event: Event
) -> int:
    """Run every handler for `event` that has not run yet, each in its own transaction with its
    inbox record. Returns how many handlers took effect now."""
    applied = 0
    for handler in handlers.get(event.type, ()):
        name = handler_name(handler)
        try:
            with db.transaction() as session:
                if session.get(inbox, (event.id, name)) is not None:
                    continue
                handler(session, event)
                session.add(inbox(event_id=event.id, handler=name, event_type=event.type))
            applied += 1
        except IntegrityError:
            # A concurrent delivery of the same event won the race; its effect stands, ours is void.
            with db.reader() as session:
                if session.get(inbox, (event.id, name)) is None:
                    raise
            log.info("event %s already handled by %s", event.id, name)
    return applied
