"""Sending recorded deliveries: claim, send over SMTP, mark. Safe to run twice for the same rows."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, Row, Update, bindparam, or_, select, update

from services.notifications import preferences
from services.notifications.mailer import PermanentRejection, SmtpMailer, TemporaryFailure
from services.notifications.mime import Outgoing
from services.notifications.models import Delivery, DeliveryStatus, NetworkReplica
from services.notifications.rendering import EmailRenderer, message_id, sender_domain
from shared.db import Database, utcnow

log = logging.getLogger(__name__)


BRAND_SECONDS = 60
# Kept free at the end of a lease for recording the server's reply: a commit normally takes
# milliseconds (a SQLite writer that has to wait for the lock can take longer).
RECORD_SECONDS = 1.0


class DeliveriesPostponed(Exception):
    """Some deliveries met a temporary failure; the task retries them later."""


DELIVERIES = Delivery.__table__
# What sending needs of a claimed delivery, straight from the claiming UPDATE's RETURNING.
SENDING_COLUMNS = [
    DELIVERIES.c[name]
    for name in ("id", "network_id", "event_id", "recipient", "recipient_name", "template", "language")
] + [DELIVERIES.c.context]


def _claimable(now):
    return or_(
        DELIVERIES.c.status == DeliveryStatus.PENDING,
        (DELIVERIES.c.status == DeliveryStatus.SENDING) & (DELIVERIES.c.claimed_until < now),
    )


# Built once: they run for every message, and building a statement costs about as much as running it.
CLAIM = (
    update(DELIVERIES)
    .where(DELIVERIES.c.id == bindparam("claim_id"), _claimable(bindparam("now")))
    .values(
        status=DeliveryStatus.SENDING,
        claimed_until=bindparam("until"),
        attempts=DELIVERIES.c.attempts + 1,
    )
    .returning(*SENDING_COLUMNS)
)
RECORD = {
    status: update(DELIVERIES)
    .where(DELIVERIES.c.id == bindparam("record_id"))
    .values(status=status, **{column: bindparam(column) for column in columns})
    for status, columns in (
        (DeliveryStatus.SENT, ("sent_at", "error")),
        (DeliveryStatus.FAILED, ("error",)),
    )
}
# Back to pending only if still ours and unsent: never over another sender's "sent".
POSTPONE = (
    update(DELIVERIES)
    .where(DELIVERIES.c.id == bindparam("record_id"), DELIVERIES.c.status == DeliveryStatus.SENDING)
    .values(status=DeliveryStatus.PENDING, claimed_until=None, error=bindparam("error"))
)


@dataclass(frozen=True)
class Outcome:
    """How one attempt ended: the statement that records it (RECORD or POSTPONE) and its values."""

    statement: Update
    params: dict
    sent: bool = False
    postponed: bool = False


class DeliveryService:
    def __init__(
        self,
        db: Database,
        mailer: SmtpMailer,
        renderer: EmailRenderer,
        sender: str,
        lease: timedelta,
        unsubscribe_link: Callable[[str, str], str] | None = None,
    ):
        self.db = db
        self.mailer = mailer
        self.renderer = renderer
        self.sender = sender
        self.lease = lease
        self.unsubscribe_link = unsubscribe_link
        self._domain = sender_domain(sender)  # parsed once: address parsing is slow, and this is fixed
        self._brands: dict[str | None, tuple[float, dict]] = {}

    def deliver_pending(self, event_id: str | None = None, limit: int = 1000) -> int:
        """Send every claimable delivery (of one event, or all); returns how many were sent."""
        query = select(DELIVERIES.c.id).where(_claimable(utcnow())).order_by(DELIVERIES.c.id).limit(limit)
        if event_id is not None:
            query = query.where(DELIVERIES.c.event_id == event_id)
        with self.db.read_engine.connect() as conn:
            ids = list(conn.scalars(query))
        return self.deliver(ids)

    def deliver(self, delivery_ids: list[int]) -> int:
        """Send these deliveries, those nobody else has, one at a time; returns how many were sent.

        Each message is claimed for one lease just before it is sent, so a lease covers a single
        message however slow the server is. Recording how one went and claiming the next share a
        transaction: one commit per message instead of two (on SQLite, writers queue for one lock).
        """
        sent, postponed, outcome = 0, 0, None
        # One connection for the run: a checkout per message costs the pool's bookkeeping (and, on
        # PostgreSQL, may cost a liveness ping). Should it die meanwhile, _record_then_claim says so.
        with self.db.engine.connect() as conn:
            for delivery_id in delivery_ids:
                # Taken before the claim, so the lease lasts at least until then.
                lease_ends = time.monotonic() + self.lease.total_seconds()
                delivery = self._record_then_claim(conn, outcome, delivery_id)
                outcome = self._send(delivery, lease_ends) if delivery is not None else None
                if outcome is not None:
                    sent += outcome.sent
                    postponed += outcome.postponed
            if outcome is not None:
                self._record_then_claim(conn, outcome, None)
        if postponed:
            raise DeliveriesPostponed(f"{postponed} delivery(ies) postponed")
        return sent

    def _record_then_claim(
        self, conn: Connection, outcome: Outcome | None, next_id: int | None
    ) -> Row | None:
        """Record the last message's outcome and claim the next one (None: nobody's to claim)."""
        try:
            with conn.begin():
                if outcome is not None:
                    conn.execute(outcome.statement, outcome.params)
                if next_id is None:
                    return None
                now = utcnow()
                claim = {"claim_id": next_id, "now": now, "until": now + self.lease}
                return conn.execute(CLAIM, claim).first()
        except Exception:
            # The claim took the record down with it (a lost connection, a locked database, an
            # unreadable row). The message went out: record that on its own, or the sweep sends
            # it again once its lease runs out.
            if outcome is not None:
                with self.db.engine.begin() as fresh:
                    fresh.execute(outcome.statement, outcome.params)
            raise

    def _send(self, delivery: Row, lease_ends: float) -> Outcome:
        try:
            message = self._message(delivery)
            # Handed over only while the reply and our record of it still fall within the lease:
            # after it, the sweep may give the delivery to another worker, which would send it too.
            self.mailer.send(message, hand_over_by=lease_ends - RECORD_SECONDS)
        except TemporaryFailure as exc:
            log.warning("delivery %s postponed: %s", delivery.id, exc)
            return Outcome(POSTPONE, {"record_id": delivery.id, "error": str(exc)}, postponed=True)
        except PermanentRejection as exc:
            return self._failed(delivery.id, str(exc))
        except Exception as exc:  # a message that can never be built or sent must not block the rest
            return self._failed(delivery.id, f"{type(exc).__name__}: {exc}")
        # Recorded only after the server's reply: a crash before the record resends (never loses)
        # the message.
        values = {"record_id": delivery.id, "sent_at": utcnow(), "error": ""}
        return Outcome(RECORD[DeliveryStatus.SENT], values, sent=True)

    def _message(self, delivery: Row) -> Outgoing:
        context = {**delivery.context, "brand": self._brand(delivery.network_id)}
        kind = preferences.kind_of(delivery.template)
        if kind and self.unsubscribe_link:
            # Non-essential: a signed one-click link that stops this kind of message for this person.
            context = {**context, "preferences_url": self.unsubscribe_link(delivery.recipient, kind)}
        return self.renderer.build(
            template=delivery.template,
            lang=delivery.language,
            context=context,
            sender=self.sender,
            recipient=delivery.recipient,
            recipient_name=delivery.recipient_name,
            msg_id=message_id(delivery.event_id, delivery.recipient, delivery.template, self._domain),
        )

    def _brand(self, network_id: str | None) -> dict:
        """The network's logo and colour for the message's look (defaults until known), remembered
        for a minute: a batch of invitations shares one."""
        cached = self._brands.get(network_id)
        if cached and time.monotonic() - cached[0] < BRAND_SECONDS:
            return cached[1]
        with self.db.reader() as session:
            replica = session.get(NetworkReplica, network_id) if network_id else None
        brand = (
            {"logo_url": replica.logo_url, "colour": replica.brand_colour}
            if replica
            else {"logo_url": "", "colour": "#0b6e4f"}
        )
        self._brands[network_id] = (time.monotonic(), brand)
        return brand

    def _failed(self, delivery_id: int, reason: str) -> Outcome:
        log.warning("delivery %s failed for good: %s", delivery_id, reason)
        return Outcome(RECORD[DeliveryStatus.FAILED], {"record_id": delivery_id, "error": reason})
