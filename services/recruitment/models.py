"""Recruitment's tables: the network registry, education partners, vacancies, and its plumbing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.auth import ApiTokenMixin
from shared.db import UTCDateTime, make_base, new_id, utcnow
from shared.messaging.deadletters import DeadLetterMixin
from shared.messaging.inbox import InboxMixin
from shared.messaging.outbox import OutboxMixin
from shared.service import Tables
from shared.tenancy import NetworkScoped

Base = make_base()


class Network(Base):
    """A local network of volunteer organisations (the tenant)."""

    __tablename__ = "networks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    region: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Organisation(NetworkScoped, Base):
    """A member organisation; it keeps its own identity inside the network."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    identity: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(2), default="nl")
    website: Mapped[str] = mapped_column(String(500), default="")
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EducationPartner(NetworkScoped, Base):
    """A study programme whose students volunteer through the network."""

    __tablename__ = "education_partners"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    institution: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320))


class Vacancy(NetworkScoped, Base):
    """A vacancy drafted by a member organisation and published in the network's vacancy bank."""

    __tablename__ = "vacancies"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    area: Mapped[str] = mapped_column(String(200), default="")
    hours_per_week: Mapped[int | None] = mapped_column(nullable=True)
    vog_required: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class ApiToken(ApiTokenMixin, Base):
    pass


class OutboxMessage(OutboxMixin, Base):
    pass


class InboxEntry(InboxMixin, Base):
    pass


class DeadLetter(DeadLetterMixin, Base):
    pass


TABLES = Tables(Base.metadata, OutboxMessage, InboxEntry, DeadLetter, ApiToken)
