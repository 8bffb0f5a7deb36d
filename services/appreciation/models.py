"""Appreciation's tables: replicas of the network registry, discount partners, and its plumbing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from shared.auth import ApiTokenMixin
from shared.db import UTCDateTime, make_base, new_id, utcnow
from shared.messaging.deadletters import DeadLetterMixin
from shared.messaging.inbox import InboxMixin
from shared.messaging.outbox import OutboxMixin
from shared.service import Tables
from shared.tenancy import NetworkScoped

Base = make_base()


class NetworkReplica(Base):
    """Read-only copy of a network (from recruitment's events)."""

    __tablename__ = "network_replicas"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(60), index=True)


class OrganisationReplica(NetworkScoped, Base):
    """Read-only copy of a member organisation's name and identity (from recruitment's events)."""

    __tablename__ = "organisation_replicas"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    identity: Mapped[str] = mapped_column(String(200), default="")


class DiscountPartner(NetworkScoped, Base):
    """A local partner (theatre, cinema, museum …) that gives pass holders a discount."""

    __tablename__ = "discount_partners"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(60), default="")
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiToken(ApiTokenMixin, Base):
    pass


class OutboxMessage(OutboxMixin, Base):
    pass


class InboxEntry(InboxMixin, Base):
    pass


class DeadLetter(DeadLetterMixin, Base):
    pass


TABLES = Tables(Base.metadata, OutboxMessage, InboxEntry, DeadLetter, ApiToken)
