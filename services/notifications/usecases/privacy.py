"""What notifications holds about an address, for a person's access request, and its erasure.

The delivery log keeps its rows (how many messages went out, of which kind, when) without the
address, the name or the message's content; a message not yet sent to the person is not sent.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.notifications.domain import DeliveryStatus
from services.notifications.models import (
    AuditEntry,
    DeadLetter,
    Delivery,
    ErasedAddress,
    OutboxMessage,
    Preference,
)
from shared.messaging.outbox import Outbox
from shared.privacy import MessagingTables, address_digest, mentions, placeholder_address, scrub_messaging

NOT_SENT_WITHOUT_DATA = "not sent: the personal data it needed was erased"
ADDRESS = re.compile(r"[^@\s\"<>]+@[^@\s\"<>]+\.[^@\s\"<>]+")
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


def erase(session: Session, network_id: str, address: str, now: datetime, secret_key: str) -> dict[str, int]:
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
    # Preferences belong to the address, not to a network: where another network still writes to
    # the person, their refusals stay honoured there.
    pref = session.get(Preference, address)
    elsewhere = select(Delivery.id).where(Delivery.recipient == address, Delivery.network_id != network_id)
    forget_pref = pref is not None and session.scalar(elsewhere.limit(1)) is None
    if forget_pref:
        session.delete(pref)
    session.flush()
    digest = address_digest(secret_key, address)
    if session.get(ErasedAddress, (network_id, digest)) is None:
        session.add(ErasedAddress(network_id=network_id, digest=digest, erased_at=now))
    counts = {"deliveries": len(deliveries), "about": len(about), "preferences": int(forget_pref)}
    counts.update(scrub_messaging(session, MESSAGING, address, network_id, now))
    return counts


class DeliveryInFlight(RuntimeError):
    """Retried: the SMTP conversation in progress ends in seconds, then the erasure goes on."""


def answer(session: Session, network_id: str, request: dict, now: datetime, secret_key: str) -> None:
    """`recruitment.personal_data_requested.v1`: collect or erase, and answer in the same transaction."""
    address = request["email"].strip().lower()
    if request["kind"] == "access":
        kind, part = "collected", {"records": collect(session, network_id, address)}
    else:
        kind, part = "erased", {"counts": erase(session, network_id, address, now, secret_key)}
    outbox.add(
        session,
        f"notifications.personal_data_{kind}.v1",
        network_id,
        {"request_id": request["request_id"], **part},
    )


def suppress_erased(session: Session, network_id: str | None, secret_key: str) -> int:
    """This transaction's new deliveries to or about an address erased in the network: recorded
    anonymised (the log still counts them), not sent. Returns how many."""
    new = [row for row in session.new if isinstance(row, Delivery)]
    if not new or network_id is None:
        return 0
    erased = set(session.scalars(select(ErasedAddress.digest).where(ErasedAddress.network_id == network_id)))
    if not erased:
        return 0
    session.flush()  # the rows' ids make their placeholder addresses

    def gone(address: str) -> bool:
        return address_digest(secret_key, address) in erased

    suppressed = 0
    for delivery in new:
        if gone(delivery.recipient):
            anonymise_delivery(delivery)
        elif any(gone(address) for address in addresses_in(delivery.context)):
            forget_content(delivery)
        else:
            continue
        suppressed += 1
    return suppressed


def addresses_in(value) -> set[str]:
    """Every e-mail address a JSON value holds as a whole string, lower case."""
    if isinstance(value, dict):
        return set().union(*(addresses_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(addresses_in(v) for v in value))
    return {value.strip().lower()} if isinstance(value, str) and ADDRESS.fullmatch(value.strip()) else set()
