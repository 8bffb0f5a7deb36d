"""Retention (beat: `notifications.apply_retention`): the delivery log forgets addresses, names
and messages' data `KNOOP_RETAIN_DELIVERY_ADDRESSES_DAYS` after a message was created, with the
erasure's own function (`usecases.privacy.anonymise_delivery`); the row stays for the log's counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications.domain import DeliveryStatus
from services.notifications.models import Delivery
from services.notifications.usecases import privacy
from shared.db import Database
from shared.privacy import ERASED_ADDRESSES
from shared.retention import cutoff, in_batches

# A delivery still to be sent (or being sent) keeps its address until it is sent or given up.
SETTLED = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SUPPRESSED)


def apply(db: Database, now: datetime, addresses_days: int) -> dict[str, int]:
    """Every rule once, in batches; how many deliveries were anonymised."""
    done = {"deliveries": 0}
    if cut := cutoff(now, addresses_days):
        done["deliveries"] = in_batches(
            db, lambda session, batch, after: anonymise_deliveries(session, cut, batch, after)
        )
    return done


def anonymise_deliveries(
    session: Session, created_before: datetime, batch: int, after: int | None
) -> list[int]:
    """Settled deliveries created before `created_before` that still hold an address (those after id
    `after`); their ids."""
    due = session.scalars(
        select(Delivery)
        .where(
            Delivery.id > (after or 0),
            Delivery.created_at < created_before,
            Delivery.status.in_(SETTLED),
            Delivery.recipient.not_like(ERASED_ADDRESSES),
        )
        .order_by(Delivery.id)
        .limit(batch)
    ).all()
    for delivery in due:
        privacy.anonymise_delivery(delivery)
    return [delivery.id for delivery in due]
