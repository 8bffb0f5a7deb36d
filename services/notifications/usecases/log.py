"""The delivery log as the coordinator uses it: search, send a failed message again, dead letters."""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from services.notifications.domain import STATUSES, DeliveryStatus
from services.notifications.models import AuditEntry, Delivery
from shared.audit import AuditTrail
from shared.identity import Principal

audit = AuditTrail(AuditEntry)


def search(
    session: Session, principal: Principal, text: str = "", status: str = "", limit: int = 100
) -> list[Delivery]:
    """Newest first; `text` matches a recipient address or an event id. A search by `text` is
    recorded in the audit trail; opening the log on its newest messages is not a look-up."""
    found = _search(session, text, status, limit)
    if text.strip():
        audit.record(session, principal, "deliveries.search", text, len(found))
    return found


def _search(session: Session, text: str, status: str, limit: int) -> list[Delivery]:
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
    principal: Principal,
    *,
    limit: int,
    recipient: str | None = None,
    event_id: str | None = None,
    status: str | None = None,
) -> list[Delivery]:
    """Newest first, as the API asks: each filter given must match exactly (the address in any case).
    Recorded in the audit trail: a system takes the log's addresses in bulk."""
    found = _matching(session, limit, recipient, event_id, status)
    subject = " ".join(v for v in (recipient, event_id, status) if v)
    audit.record(session, principal, "deliveries.list", subject, len(found))
    return found


def _matching(
    session: Session, limit: int, recipient: str | None, event_id: str | None, status: str | None
) -> list[Delivery]:
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
