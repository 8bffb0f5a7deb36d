"""Recruitment's tables: the network registry, joint vacancies, responses, alerts, and its plumbing.
Student placements live in `placements.py`; every table shares the one `Base` of `base.py`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.recruitment.models.base import Base
from shared.api_tokens import ApiTokenMixin
from shared.audit import AuditEntryMixin
from shared.db import Tables, UTCDateTime, new_id, utcnow
from shared.magic_links import UsedLoginLinkMixin
from shared.messaging.deadletters import DeadLetterMixin
from shared.messaging.inbox import InboxMixin
from shared.messaging.outbox import OutboxMixin
from shared.tenancy import NetworkScoped


class Network(Base):
    """A local network of volunteer organisations (the tenant)."""

    __tablename__ = "networks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    region: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    # Moderated networks publish a vacancy only after the coordinator approves it.
    moderated: Mapped[bool] = mapped_column(default=True)
    # Branding of the network's e-mails.
    logo_url: Mapped[str] = mapped_column(String(500), default="")
    brand_colour: Mapped[str] = mapped_column(String(7), default="#0b6e4f")
    # The language of the network's pages and printouts when nobody asks for another.
    language: Mapped[str] = mapped_column(String(2), default="nl", server_default="nl")
    # Whether members may edit their own entry in "wie doet wat" (else only the coordinator).
    members_edit_profile: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NetworkLogo(Base):
    """The logo a coordinator uploaded, served at /n/<slug>/logo (that address is the logo_url)."""

    __tablename__ = "network_logos"

    network_id: Mapped[str] = mapped_column(ForeignKey("networks.id"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ActivityCategory(NetworkScoped, Base):
    """A kind of volunteer work the network recognises (maintained by the coordinator)."""

    __tablename__ = "activity_categories"
    __table_args__ = (UniqueConstraint("network_id", "key", name="uq_category_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))


class OrganisationActivity(Base):
    """Which activities a member organisation offers (the flyer's "who offers what" table)."""

    __tablename__ = "organisation_activities"

    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    category_id: Mapped[str] = mapped_column(ForeignKey("activity_categories.id"), primary_key=True)


class Organisation(NetworkScoped, Base):
    """A member organisation; it keeps its own identity inside the network."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    identity: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(2), default="nl")
    website: Mapped[str] = mapped_column(String(500), default="")
    areas: Mapped[list] = mapped_column(JSON, default=list)
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    activities: Mapped[list[ActivityCategory]] = relationship(
        secondary="organisation_activities", order_by="ActivityCategory.name"
    )


class EducationPartner(NetworkScoped, Base):
    """A study programme whose students volunteer through the network, under an agreement."""

    __tablename__ = "education_partners"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    institution: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(2), default="nl", server_default="nl")
    agreement_starts: Mapped[date | None] = mapped_column(Date, nullable=True)
    agreement_ends: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow, nullable=True)


class Vacancy(NetworkScoped, Base):
    """A vacancy drafted by a member, possibly published jointly with other members."""

    __tablename__ = "vacancies"
    __table_args__ = (Index("ix_vacancies_network_status_published", "network_id", "status", "published_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[str | None] = mapped_column(
        ForeignKey("activity_categories.id"), nullable=True, index=True
    )
    place: Mapped[str] = mapped_column(String(200), default="")
    hours_per_week: Mapped[int | None] = mapped_column(nullable=True)
    period: Mapped[str] = mapped_column(String(120), default="")
    frequency: Mapped[str] = mapped_column(String(20), default="weekly")
    long_term: Mapped[bool] = mapped_column(default=False)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    vog_required: Mapped[bool] = mapped_column(default=False)
    minimum_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    suitable_for_students: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    category: Mapped[ActivityCategory | None] = relationship(lazy="joined")
    co_publishers: Mapped[list[CoPublisher]] = relationship(
        lazy="selectin", back_populates="vacancy", cascade="all, delete-orphan"
    )
    area_links: Mapped[list[VacancyArea]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="VacancyArea.area"
    )

    @property
    def areas(self) -> list[str]:
        return [link.area for link in self.area_links]

    @areas.setter
    def areas(self, values: list[str]) -> None:
        self.area_links = [VacancyArea(area=a) for a in dict.fromkeys(v.strip() for v in values) if a]


class VacancyArea(Base):
    """A neighbourhood (wijk) a vacancy is in; a table of its own so the bank can filter by it."""

    __tablename__ = "vacancy_areas"

    vacancy_id: Mapped[str] = mapped_column(ForeignKey("vacancies.id"), primary_key=True)
    area: Mapped[str] = mapped_column(String(120), primary_key=True, index=True)


class CoPublisher(Base):
    """A member invited to publish a vacancy jointly; shown by name once it accepts."""

    __tablename__ = "vacancy_co_publishers"

    vacancy_id: Mapped[str] = mapped_column(ForeignKey("vacancies.id"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True, index=True)
    status: Mapped[str] = mapped_column(String(10), default="invited")
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    vacancy: Mapped[Vacancy] = relationship(back_populates="co_publishers")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Response(NetworkScoped, Base):
    """A volunteer's answer to a vacancy, shared (with consent) with every co-publisher: one per
    person (e-mail address, stored lower-case) and vacancy, which the database sees to."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("vacancy_id", "email", name="uq_response_per_person"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    vacancy_id: Mapped[str] = mapped_column(ForeignKey("vacancies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(40), default="")
    motivation: Mapped[str] = mapped_column(Text, default="")
    availability: Mapped[str] = mapped_column(String(500), default="")
    language: Mapped[str] = mapped_column(String(2), default="nl")
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    first_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    match_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    volunteer_says_match: Mapped[bool | None] = mapped_column(nullable=True)
    organisation_says_match: Mapped[bool | None] = mapped_column(nullable=True)

    vacancy: Mapped[Vacancy] = relationship(lazy="joined")


class AlertSubscription(NetworkScoped, Base):
    """A saved search someone follows by e-mail (double opt-in)."""

    __tablename__ = "alert_subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), index=True)
    language: Mapped[str] = mapped_column(String(2), default="nl")
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    frequency: Mapped[str] = mapped_column(String(12), default="immediately")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class UsedLoginLink(UsedLoginLinkMixin, Base):
    """Login links are single use: a link's nonce is recorded when it logs someone in."""


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


# Imported for its tables' sake: one metadata holds all of recruitment.
from services.recruitment.models.placements import (  # noqa: E402, F401
    Cohort,
    HoursEntry,
    MeetSession,
    MeetSignup,
    Placement,
    Student,
    StudentPreference,
)
from services.recruitment.models.privacy import PrivacyRequest, PrivacyRequestPart  # noqa: E402, F401

TABLES = Tables(Base.metadata, OutboxMessage, InboxEntry, DeadLetter, ApiToken)
