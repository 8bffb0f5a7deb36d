"""The transactional outbox: an event is written in the same transaction as the change it reports.

After such a transaction commits, the relay is woken (`wake_relay_after_commits`, installed when the
service is built): a hint for low latency; the relay's periodic sweep is what guarantees delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, event, insert
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from shared import contracts
from shared.db import Database, UTCDateTime, new_id, utcnow
from shared.messaging.commands import command_message, own_queue

log = logging.getLogger(__name__)


class OutboxMixin:
    """Columns of a service's `outbox` table. Sent rows are kept for replay until retention ends."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    network_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    message: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    @declared_attr.directive
    def __table_args__(cls):
        return (Index("ix_outbox_sent_at_id", "sent_at", "id"),)


class Outbox:
    """Records events of one producing service into its outbox table."""

    def __init__(self, model: type[OutboxMixin], source: str):
        self.model = model
        self.source = source
        self._insert_statement = None  # built on first use: nothing is built at import time

    def add(self, session: Session, event_type: str, network_id: str | None, data: dict) -> str:
        """Validate `data` against its contract and stage the event in `session`; returns its id."""
        payload = contracts.build(event_type, data)
        event_id = new_id()
        message = contracts.envelope(event_id, event_type, self.source, network_id, payload)
        session.add(self.model(event_id=event_id, type=event_type, network_id=network_id, message=message))
        session.info["outbox_pending"] = True
        return event_id

    def add_task(self, session: Session, task: str, network_id: str | None, data: dict) -> str:
        """Stage a command to this service itself (`shared.messaging.commands`): the task `task`
        (``<service>.<verb>``), run with `data` once this transaction commits; returns its id."""
        if own_queue(task) != self.source:
            raise ValueError(f"{self.source} can only queue its own tasks, not {task!r}")
        message = command_message(task, network_id, data)
        session.add(self.model(event_id=message["id"], type=task, network_id=network_id, message=message))
        session.info["outbox_pending"] = True
        return message["id"]

    def insert(self, session: Session, event_type: str, network_id: str | None, data: dict) -> str:
        """Like `add`, but written now as one Core INSERT on the session's connection, without an ORM
        object or a flush: for hot paths (a redemption at the counter). Same contract check (`data`
        already dumped, as for `row`), same transaction, same wake-up of the relay after commit."""
        row = self.row(event_type, network_id, data)
        session.connection().execute(self._insert(), row)
        self.staged(session)
        return row["event_id"]

    def row(self, event_type: str, network_id: str | None, data: dict) -> dict:
        """The outbox row of an event, validated against its contract but not yet written: for a
        producer that writes it inside a statement of its own (e.g. only if its change happened).
        `data` must already be in its dumped form (`contracts.check`). Call `staged` once it is
        written, so the relay is woken after commit."""
        payload = contracts.check(event_type, data)
        event_id = new_id()
        message = contracts.envelope(event_id, event_type, self.source, network_id, payload)
        return {
            "event_id": event_id,
            "type": event_type,
            "network_id": network_id,
            "message": message,
            "created_at": utcnow(),
        }

    @staticmethod
    def staged(session: Session) -> None:
        """An event was written in this session's transaction: wake the relay after commit."""
        session.info["outbox_pending"] = True

    def _insert(self):
        if self._insert_statement is None:
            self._insert_statement = insert(self.model.__table__)
        return self._insert_statement


def wake_relay_after_commits(db: Database, wake: Callable[[], None]) -> None:
    """Call `wake` after each commit of `db` (session or core unit) that wrote an event; a rolled
    back transaction's mark is forgotten."""

    def after_commit(session: Session) -> None:
        _wake_if_staged(session.info, wake)

    def after_rollback(session: Session) -> None:
        session.info.pop("outbox_pending", None)

    event.listen(db.Session, "after_commit", after_commit)
    event.listen(db.Session, "after_rollback", after_rollback)
    db.after_core_commit.append(lambda info: _wake_if_staged(info, wake))


def _wake_if_staged(info: dict, wake: Callable[[], None]) -> None:
    """After a commit: ring the relay if the transaction wrote an event (`Outbox.staged` marked
    `info`). A failure only costs latency."""
    if not info.pop("outbox_pending", False):
        return
    try:
        wake()
    except Exception as exc:  # the wake-up is only a hint: the relay's sweep still sends the event
        log.warning("could not wake the outbox relay (%s); its sweep will send the event", exc)
