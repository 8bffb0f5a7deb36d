"""Sending recorded deliveries: claim, send over SMTP, mark. Safe to run twice for the same rows.

A temporary failure postpones one delivery with its own back-off (`next_attempt_at`: 30 s, 1, 2,
4 … minutes up to a cap, with jitter), not the task: the sweep sends it when it is due. While the
mail server cannot be reached, a run stops at the first such failure and this process leaves the
server alone for one back-off step, so an outage costs about one claim per sweep, not one per
message per sweep. `attempts` counts the times a message was handed to the server; `claims`
every claim.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, Row, Update, and_, bindparam, or_, select, update

from services.notifications.domain import BackOff, DeliveryStatus, kind_of
from services.notifications.lease import LeaseKeeper
from services.notifications.mailer import PermanentRejection, ServerUnavailable, SmtpMailer, TemporaryFailure
from services.notifications.mime import Outgoing
from services.notifications.models import Delivery, NetworkReplica
from services.notifications.rendering import EmailRenderer, message_id, sender_domain
from shared.db import Database, utcnow

log = logging.getLogger(__name__)


BRAND_SECONDS = 60
# Kept free at the end of a lease for recording the server's reply: a commit normally takes
# milliseconds (a SQLite writer that has to wait for the lock can take longer).
RECORD_SECONDS = 1.0


DELIVERIES = Delivery.__table__
# What sending needs of a claimed delivery, straight from the claiming UPDATE's RETURNING.
SENDING_COLUMNS = [
    DELIVERIES.c[name]
    for name in ("id", "network_id", "event_id", "recipient", "recipient_name", "template", "language")
] + [DELIVERIES.c.context]


def _claimable(now):
    return or_(
        and_(
            DELIVERIES.c.status == DeliveryStatus.PENDING,
            or_(DELIVERIES.c.next_attempt_at.is_(None), DELIVERIES.c.next_attempt_at <= now),
        ),
        (DELIVERIES.c.status == DeliveryStatus.SENDING) & (DELIVERIES.c.claimed_until < now),
    )


# Built once: they run for every message, and building a statement costs about as much as running it.
CLAIM = (
    update(DELIVERIES)
    .where(DELIVERIES.c.id == bindparam("claim_id"), _claimable(bindparam("now")))
    .values(
        status=DeliveryStatus.SENDING,
        claimed_until=bindparam("until"),
        claim_token=bindparam("token"),
        claims=DELIVERIES.c.claims + 1,
    )
    .returning(*SENDING_COLUMNS, DELIVERIES.c.attempts, DELIVERIES.c.created_at, DELIVERIES.c.claim_token)
)
# `tried` is 1 when the message was handed to the mail server, 0 when it never got that far; `token`
# is the claim's, so that a sender whose lease ran out cannot undo another's claim.
RECORD = {
    status: update(DELIVERIES)
    .where(DELIVERIES.c.id == bindparam("record_id"), *fence)
    .values(
        status=status,
        attempts=DELIVERIES.c.attempts + bindparam("tried"),
        claim_token=None,
        **{column: bindparam(column) for column in columns},
    )
    for status, columns, fence in (
        # What was sent is recorded whoever holds the claim now: it went out.
        (DeliveryStatus.SENT, ("sent_at", "error"), ()),
        # A failure only while the claim is still ours: another sender may have it by now.
        (DeliveryStatus.FAILED, ("error",), (DELIVERIES.c.claim_token == bindparam("token"),)),
    )
}
# Back to pending only if still ours and unsent: never over another sender's "sent".
POSTPONE = (
    update(DELIVERIES)
    .where(
        DELIVERIES.c.id == bindparam("record_id"),
        DELIVERIES.c.status == DeliveryStatus.SENDING,
        DELIVERIES.c.claim_token == bindparam("token"),
    )
    .values(
        status=DeliveryStatus.PENDING,
        claimed_until=None,
        claim_token=None,
        error=bindparam("error"),
        attempts=DELIVERIES.c.attempts + bindparam("tried"),
        next_attempt_at=bindparam("next_attempt_at"),
    )
)


@dataclass(frozen=True)
class Outcome:
    """How one attempt ended: the statement that records it (RECORD or POSTPONE) and its values."""

    statement: Update
    params: dict
    sent: bool = False
    server_unavailable: bool = False


class DeliveryService:
    """Sends recorded deliveries from one worker process, one message at a time."""

    def __init__(
        self,
        db: Database,
        mailer: SmtpMailer,
        renderer: EmailRenderer,
        sender: str,
        lease: timedelta,
        unsubscribe_link: Callable[[str, str], str] | None = None,
        back_off: BackOff | None = None,
    ):
        self.db = db
        self.mailer = mailer
        self.renderer = renderer
        self.sender = sender
        self.lease = lease
        self.unsubscribe_link = unsubscribe_link
        self.back_off = back_off or BackOff()
        self.leases = LeaseKeeper(db.engine, lease)
        self._domain = sender_domain(sender)  # parsed once: address parsing is slow, and this is fixed
        self._brands: dict[str | None, tuple[float, dict]] = {}
        self._server_rests_until = 0.0  # time.monotonic(): this process leaves an unreachable server be

    def deliver_pending(self, event_id: str | None = None, limit: int = 1000) -> int:
        """Send every delivery that is due (of one event, or all); returns how many were sent."""
        if time.monotonic() < self._server_rests_until:
            return 0  # the mail server was unreachable a moment ago: the sweep comes back later
        query = select(DELIVERIES.c.id).where(_claimable(utcnow())).order_by(DELIVERIES.c.id).limit(limit)
        if event_id is not None:
            query = query.where(DELIVERIES.c.event_id == event_id)
        with self.db.read_engine.connect() as conn:
            ids = list(conn.scalars(query))
        return self.deliver(ids)

    def deliver(self, delivery_ids: list[int]) -> int:
        """Send these deliveries, those nobody else has, one at a time; returns how many were sent.

        Each message is claimed for one short lease just before it is sent, renewed while it is
        being sent (see lease.py). Recording how one went and claiming the next share a
        transaction: one commit per message instead of two (on SQLite, writers queue for one lock).
        A run ends early when the mail server cannot be reached: the rest stay due, unclaimed.
        """
        sent, outcome = 0, None
        # One connection for the run: a checkout per message costs the pool's bookkeeping (and, on
        # PostgreSQL, may cost a liveness ping). Should it die meanwhile, _record_then_claim says so.
        with self.db.engine.connect() as conn:
            for delivery_id in delivery_ids:
                delivery = self._record_then_claim(conn, outcome, delivery_id)
                outcome = self._send(delivery) if delivery is not None else None
                if outcome is not None:
                    sent += outcome.sent
                    if outcome.server_unavailable:
                        self._server_rests_until = time.monotonic() + self.back_off.first.total_seconds()
                        break
            if outcome is not None:
                self._record_then_claim(conn, outcome, None)
        return sent

    def _record_then_claim(
        self, conn: Connection, outcome: Outcome | None, next_id: int | None
    ) -> Row | None:
        """Record the last message's outcome and claim the next one (None: nobody's to claim)."""
        delivery, lease_ends = None, 0.0
        try:
            with conn.begin():
                if outcome is not None:
                    conn.execute(outcome.statement, outcome.params)
                if next_id is not None:
                    delivery, lease_ends = self._claim(conn, next_id)
        except Exception:
            # The claim took the record down with it (a lost connection, a locked database, an
            # unreadable row). The message went out: record that on its own, or the sweep sends
            # it again once its lease runs out.
            if outcome is not None:
                with self.db.engine.begin() as fresh:
                    fresh.execute(outcome.statement, outcome.params)
            self.leases.release()
            raise
        # The last message's lease was kept (and renewed) until its outcome was recorded: a record
        # kept waiting by a locked database must not let another sender take the message meanwhile.
        if delivery is None:
            self.leases.release()
        else:
            self.leases.hold(delivery.id, delivery.claim_token, lease_ends)
        return delivery

    def _claim(self, conn: Connection, delivery_id: int) -> tuple[Row | None, float]:
        """Claim one delivery for a lease; the row and when (time.monotonic()) the lease ends."""
        lease_ends = time.monotonic() + self.lease.total_seconds()  # taken before: a safe bound
        now = utcnow()
        claim = {
            "claim_id": delivery_id,
            "now": now,
            "until": now + self.lease,
            "token": secrets.token_hex(16),
        }
        return conn.execute(CLAIM, claim).first(), lease_ends

    def _send(self, delivery: Row) -> Outcome:
        try:
            message = self._message(delivery)
        except Exception as exc:  # a message that can never be built must not block the rest
            return self._failed(delivery, f"{type(exc).__name__}: {exc}", tried=0)
        try:
            # Handed over only while the reply and our record of it still fall within the lease
            # as last renewed: after it, the sweep may give the delivery to another worker.
            self.mailer.send(message, hand_over_by=lambda: self.leases.ends() - RECORD_SECONDS)
        except TemporaryFailure as exc:
            return self._postponed(delivery, exc)
        except PermanentRejection as exc:
            return self._failed(delivery, str(exc))
        except Exception as exc:  # whatever else goes wrong with one message must not block the rest
            return self._failed(delivery, f"{type(exc).__name__}: {exc}")
        # Recorded only after the server's reply: a crash before the record resends (never loses)
        # the message.
        values = {"record_id": delivery.id, "sent_at": utcnow(), "error": "", "tried": 1}
        return Outcome(RECORD[DeliveryStatus.SENT], values, sent=True)

    def _postponed(self, delivery: Row, exc: TemporaryFailure) -> Outcome:
        """Try again after this delivery's next back-off step, or give up after long enough."""
        attempts = delivery.attempts + 1
        if self.back_off.gives_up(delivery.created_at, utcnow()):
            return self._failed(delivery, f"given up after {attempts} attempts; the last: {exc}")
        log.warning("delivery %s postponed: %s", delivery.id, exc)
        values = {
            "record_id": delivery.id,
            "token": delivery.claim_token,
            "error": str(exc),
            "tried": 1,
            "next_attempt_at": utcnow() + self.back_off.delay(attempts),
        }
        return Outcome(POSTPONE, values, server_unavailable=isinstance(exc, ServerUnavailable))

    def _message(self, delivery: Row) -> Outgoing:
        context = {**delivery.context, "brand": self._brand(delivery.network_id)}
        kind = kind_of(delivery.template)
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

    def _failed(self, delivery: Row, reason: str, tried: int = 1) -> Outcome:
        log.warning("delivery %s failed for good: %s", delivery.id, reason)
        values = {"record_id": delivery.id, "token": delivery.claim_token, "error": reason, "tried": tried}
        return Outcome(RECORD[DeliveryStatus.FAILED], values)
