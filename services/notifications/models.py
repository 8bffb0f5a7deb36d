"""Notifications' tables: replicas it needs for messages, the delivery log, and its plumbing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.notifications.domain import DeliveryStatus
from shared.api_tokens import ApiTokenMixin
from shared.audit import AuditEntryMixin
from shared.db import Tables, UTCDateTime, make_base, utcnow
from shared.messaging.deadletters import DeadLetterMixin
from shared.messaging.inbox import InboxMixin
from shared.messaging.outbox import OutboxMixin
from shared.tenancy import NetworkScoped

Base = make_base()


class NetworkReplica(Base):
    """Read-only copy of a network's name (from recruitment's events), for branding messages."""

    __tablename__ = "network_replicas"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(60))
    logo_url: Mapped[str] = mapped_column(String(500), default="")
    brand_colour: Mapped[str] = mapped_column(String(7), default="#0b6e4f")


class ErasedAddress(Base):
    """An address whose data was erased in a network, kept as a keyed digest: a message to or about
    it that arrives afterwards (an event retried, or queued while this service was down) is
    recorded anonymised and not sent."""

    __tablename__ = "erased_addresses"

    network_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Preference(Base):
    """What one person (by address) wants: a language, and which non-essential kinds they refuse.
    Essential messages (login links, the pass itself) are always sent."""

    __tablename__ = "preferences"

    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    refused: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Delivery(NetworkScoped, Base):
    """One message to one person for one event: claimed before sending, marked after.

    The key (event id, recipient, template) makes a redelivered event find its existing rows instead
    of creating new ones; the Message-ID derives from the same key (rendering.message_id).
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "recipient", "template", name="uq_delivery_key"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    event_type: Mapped[str] = mapped_column(String(100))
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    template: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2), default="nl")
    context: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default=DeliveryStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # times handed to the mail server
    claims: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # times claimed
    # Not before: set when a temporary failure postpones it (back-off per delivery).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)  # whose lease it is
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ApiToken(ApiTokenMixin, Base):
    pass


class OutboxMessage(OutboxMixin, Base):
    pass


class InboxEntry(InboxMixin, Base):
    pass


class DeadLetter(DeadLetterMixin, Base):
    pass


class AuditEntry(AuditEntryMixin, Base):
    """Who exported or searched personal data in bulk (shared.audit)."""


TABLES = Tables(Base.metadata, OutboxMessage, InboxEntry, DeadLetter, ApiToken)
