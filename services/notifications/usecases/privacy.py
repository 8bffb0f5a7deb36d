"""What notifications holds about an address, for a person's access request, and its erasure.

The delivery log keeps its rows (how many messages went out, of which kind, when) without the
address, the name or the message's content; a message not yet sent to the person is not sent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.notifications.domain import DeliveryStatus
from services.notifications.models import AuditEntry, DeadLetter, Delivery, OutboxMessage, Preference
from shared.messaging.outbox import Outbox
from shared.privacy import MessagingTables, mentions, placeholder_address, scrub_messaging

NOT_SENT_WITHOUT_DATA = "not sent: the personal data it needed was erased"
MESSAGING = MessagingTables(outbox=OutboxMessage, dead_letters=DeadLetter, audit=AuditEntry)
outbox = Outbox(OutboxMessage, source="notifications")


def anonymise_delivery(delivery: Delivery) -> None:
    """Address, name and content go; kind, status and times stay for the log's counts."""
    delivery.recipient = placeholder_address(delivery.id)
    delivery.recipient_name = ""
    forget_content(delivery)


def forget_content(delivery: Delivery) -> None:
    """A message's content goes (a message to a member about a volunteer names the volunteer). One
    not sent yet, or failed (the log could send it again), can no longer be written: it is not sent."""
    delivery.context = {}
    if delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED):
        delivery.status, delivery.error = DeliveryStatus.SUPPRESSED, NOT_SENT_WITHOUT_DATA
    elif delivery.error:
        delivery.error = ""  # a mail server's answer may quote the address


def _in_network(network_id: str):
    return or_(Delivery.network_id == network_id, Delivery.network_id.is_(None))


def _deliveries(network_id: str, address: str):
    return select(Delivery).where(_in_network(network_id), Delivery.recipient == address)


def _about(network_id: str, address: str):
    """Messages to others that name the address (a member told of a volunteer's response)."""
    return select(Delivery).where(
        _in_network(network_id), Delivery.recipient != address, mentions(Delivery.context, address)
    )


def collect(session: Session, network_id: str, address: str) -> dict[str, list[dict]]:
    """The person's stated preferences and every message sent (or due) to them."""
    pref = session.get(Preference, address)
    deliveries = session.scalars(_deliveries(network_id, address).order_by(Delivery.created_at))
    return {
        "preferences": [{"language": pref.language, "refused": list(pref.refused or [])}] if pref else [],
        "messages": [
            {
                "kind": d.template,
                "to": d.recipient,
                "name": d.recipient_name,
                "language": d.language,
                "status": d.status,
                "created_at": d.created_at.isoformat(),
                "sent_at": d.sent_at.isoformat() if d.sent_at else None,
            }
            for d in deliveries
        ],
    }


def erase(session: Session, network_id: str, address: str, now: datetime) -> dict[str, int]:
    """Anonymise the person's deliveries, forget their preferences, empty messages that named them.
    A delivery being sent right now (claimed) is let go first: erasure waits for it (retried)."""
    deliveries = list(session.scalars(_deliveries(network_id, address)))
    about = list(session.scalars(_about(network_id, address)))
    if any(d.status == DeliveryStatus.SENDING for d in deliveries + about):
        raise DeliveryInFlight("a message to or about this address is being sent; erasure waits for it")
    for delivery in deliveries:
        anonymise_delivery(delivery)
    for delivery in about:
        forget_content(delivery)
    pref = session.get(Preference, address)
    if pref is not None:
        session.delete(pref)
    session.flush()
    counts = {"deliveries": len(deliveries), "about": len(about), "preferences": int(pref is not None)}
    counts.update(scrub_messaging(session, MESSAGING, address, network_id, now))
    return counts


class DeliveryInFlight(RuntimeError):
    """Retried: the SMTP conversation in progress ends in seconds, then the erasure goes on."""


def answer(session: Session, network_id: str, request: dict, now: datetime) -> None:
    """`recruitment.personal_data_requested.v1`: collect or erase, and answer in the same transaction."""
    address = request["email"].strip().lower()
    if request["kind"] == "access":
        kind, part = "collected", {"records": collect(session, network_id, address)}
    else:
        kind, part = "erased", {"counts": erase(session, network_id, address, now)}
    outbox.add(
        session,
        f"notifications.personal_data_{kind}.v1",
        network_id,
        {"request_id": request["request_id"], **part},
    )
