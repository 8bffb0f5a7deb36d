"""The delivery log as the coordinator uses it: search, send a failed message again, dead letters."""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from services.notifications.domain import STATUSES, DeliveryStatus
from services.notifications.models import Delivery


def search(session: Session, text: str = "", status: str = "", limit: int = 100) -> list[Delivery]:
    """Newest first; `text` matches a recipient address or an event id."""
    query = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if text:
        query = query.where(
            or_(Delivery.recipient == text.strip().lower(), Delivery.event_id == text.strip())
        )
    if status in STATUSES:
        query = query.where(Delivery.status == status)
    return list(session.scalars(query))


def matching(
    session: Session,
    *,
    limit: int,
    recipient: str | None = None,
    event_id: str | None = None,
    status: str | None = None,
) -> list[Delivery]:
    """Newest first, as the API asks: each filter given must match exactly (the address in any case)."""
    query = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if recipient is not None:
        query = query.where(Delivery.recipient == recipient.lower())
    if event_id is not None:
        query = query.where(Delivery.event_id == event_id)
    if status is not None:
        query = query.where(Delivery.status == status)
    return list(session.scalars(query))


def retry_failed(session: Session, delivery_id: int) -> bool:
    """Put a failed delivery back in the queue (e.g. after the address was corrected at the relay).
    Returns False when there is no such failed delivery in the session's network."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.FAILED:
        return False
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(status=DeliveryStatus.PENDING, claimed_until=None, error="")
    )
    return True


def dead_letters_of(box, network_id: str) -> list:
    """Unreplayed dead letters whose event belongs to `network_id` (a dead letter holds the task's
    arguments: the event envelope)."""
    return [
        letter
        for letter in box.pending()
        if letter.args and isinstance(letter.args[0], dict) and letter.args[0].get("network_id") == network_id
    ]
