"""Sending recorded deliveries: claim, send over SMTP, mark. Safe to run twice for the same rows."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import or_, select, update

from services.notifications import preferences
from services.notifications.mailer import PermanentRejection, SmtpMailer, TemporaryFailure
from services.notifications.models import Delivery, DeliveryStatus, NetworkReplica
from services.notifications.rendering import EmailRenderer, message_id, sender_domain
from shared.db import Database, utcnow

log = logging.getLogger(__name__)


BRAND_SECONDS = 60


class DeliveriesPostponed(Exception):
    """Some deliveries met a temporary failure; the task retries them later."""


def _claimable():
    now = utcnow()
    return or_(
        Delivery.status == DeliveryStatus.PENDING,
        (Delivery.status == DeliveryStatus.SENDING) & (Delivery.claimed_until < now),
    )


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
        self._brands: dict[str | None, tuple[float, dict]] = {}

    def deliver_pending(self, event_id: str | None = None, limit: int = 1000) -> int:
        """Send every claimable delivery (of one event, or all); returns how many were sent."""
        query = select(Delivery.id).where(_claimable()).order_by(Delivery.id).limit(limit)
        if event_id is not None:
            query = query.where(Delivery.event_id == event_id)
        with self.db.reader() as session:
            ids = list(session.scalars(query))
        sent, postponed = 0, 0
        for delivery_id in ids:
            try:
                sent += self.deliver_one(delivery_id)
            except TemporaryFailure as exc:
                postponed += 1
                log.warning("delivery %s postponed: %s", delivery_id, exc)
        if postponed:
            raise DeliveriesPostponed(f"{postponed} delivery(ies) postponed")
        return sent

    def _claim(self, delivery_ids: list[int]) -> list[Delivery]:
        """Take these deliveries for this process for one lease (those nobody else has). One at a
        time in practice: a lease then covers a single message, however slow the server is."""
        with self.db.transaction() as session:
            claimed = session.scalars(
                update(Delivery)
                .where(Delivery.id.in_(delivery_ids), _claimable())
                .values(
                    status=DeliveryStatus.SENDING,
                    claimed_until=utcnow() + self.lease,
                    attempts=Delivery.attempts + 1,
                )
                .returning(Delivery.id)
                .execution_options(synchronize_session=False)
            ).all()
            if not claimed:
                return []
            return list(
                session.scalars(select(Delivery).where(Delivery.id.in_(claimed)).order_by(Delivery.id))
            )

    def _set(self, delivery_id: int, only_if_status: str | None = None, **values) -> None:
        condition = [Delivery.id == delivery_id]
        if only_if_status is not None:
            condition.append(Delivery.status == only_if_status)
        with self.db.transaction() as session:
            session.execute(update(Delivery).where(*condition).values(**values))

    def deliver_one(self, delivery_id: int) -> int:
        """Send one delivery if it can be claimed; returns 1 if it was sent."""
        return sum(self._send(delivery) for delivery in self._claim([delivery_id]))

    def _send(self, delivery: Delivery) -> int:
        delivery_id = delivery.id
        try:
            message = self._message(delivery)
            self.mailer.send(message)
        except TemporaryFailure as exc:
            # Back to pending only if still ours and unsent: never over another sender's "sent".
            self._set(
                delivery_id,
                status=DeliveryStatus.PENDING,
                claimed_until=None,
                error=str(exc),
                only_if_status=DeliveryStatus.SENDING,
            )
            raise
        except PermanentRejection as exc:
            return self._fail(delivery_id, str(exc))
        except Exception as exc:  # a message that can never be built or sent must not block the rest
            return self._fail(delivery_id, f"{type(exc).__name__}: {exc}")
        # Only after the server's reply: a crash before this line resends (never loses) the message.
        self._set(delivery_id, status=DeliveryStatus.SENT, sent_at=utcnow(), error="")
        return 1

    def _message(self, delivery: Delivery):
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
            msg_id=message_id(
                delivery.event_id, delivery.recipient, delivery.template, sender_domain(self.sender)
            ),
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

    def _fail(self, delivery_id: int, reason: str) -> int:
        self._set(delivery_id, status=DeliveryStatus.FAILED, error=reason)
        log.warning("delivery %s failed for good: %s", delivery_id, reason)
        return 0
