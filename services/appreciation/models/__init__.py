"""Appreciation's tables: replicas of the network registry, discount partners and their offers, the
volunteer pass and its redemptions, and the plumbing. Appreciation events (Gathering in code) live in
`gatherings.py`, nominations from a large file in `imports.py`; every table shares the one `Base`
of `base.py`."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.appreciation.models.base import Base
from shared.api_tokens import ApiTokenMixin
from shared.audit import AuditEntryMixin
from shared.db import Tables, UTCDateTime, new_id, utcnow
from shared.magic_links import UsedLoginLinkMixin
from shared.messaging.deadletters import DeadLetterMixin
from shared.messaging.inbox import InboxMixin
from shared.messaging.outbox import OutboxMixin
from shared.tenancy import NetworkScoped


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
    contact_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="", server_default="")
    language: Mapped[str] = mapped_column(String(2), default="nl", server_default="nl")
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the coordinator removes the partner: its offers ended, its till keys revoked, its
    # logins refused; the row stays for the figures.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class PassPolicy(Base):
    """How a network hands out passes: how long one is valid, and whether students get one."""

    __tablename__ = "pass_policies"

    network_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    validity_kind: Mapped[str] = mapped_column(String(20), default="calendar_year")
    students_get_pass: Mapped[bool] = mapped_column(default=False)

    def __init__(self, **kwargs):
        kwargs.setdefault("validity_kind", "calendar_year")
        kwargs.setdefault("students_get_pass", False)
        super().__init__(**kwargs)


class PassHolder(NetworkScoped, Base):
    """A person with a pass: a volunteer of a member, or a student on a placement."""

    __tablename__ = "pass_holders"
    __table_args__ = (UniqueConstraint("network_id", "email", name="uq_pass_holder_email"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(2), default="nl")
    is_student: Mapped[bool] = mapped_column(default=False)
    # Bumped when a pass is reissued: links to the holder's page from older e-mails stop working.
    link_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # Loaded when asked for (offers for given organisations, managing): not on every redemption.
    memberships: Mapped[list[HolderMembership]] = relationship(lazy="select", cascade="all, delete-orphan")

    @property
    def organisation_ids(self) -> list[str]:
        return [m.organisation_id for m in self.memberships]


class HolderMembership(Base):
    """A member organisation that nominated this person (someone may volunteer for several)."""

    __tablename__ = "pass_holder_memberships"

    holder_id: Mapped[str] = mapped_column(ForeignKey("pass_holders.id"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)
    nominated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Pass(NetworkScoped, Base):
    """One pass: a number to type, a QR code to scan, a validity, a state."""

    __tablename__ = "passes"
    __table_args__ = (
        # One active pass per person per network, enforced where two nominations could race.
        Index(
            "uq_passes_one_active",
            "holder_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    holder_id: Mapped[str] = mapped_column(ForeignKey("pass_holders.id"), index=True)
    number: Mapped[str] = mapped_column(String(12), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    replaced_by: Mapped[str | None] = mapped_column(String(36), nullable=True)

    holder: Mapped[PassHolder] = relationship(lazy="joined")


class Offer(NetworkScoped, Base):
    """A discount a partner gives pass holders, with when it applies and how often."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("total_quantity IS NULL OR redeemed <= total_quantity", name="ck_offers_quantity"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("discount_partners.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    discount_kind: Mapped[str] = mapped_column(String(20))
    discount_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    weekdays: Mapped[list] = mapped_column(JSON, default=list)  # ISO 1 (Monday) … 7; empty: every day
    starts_at: Mapped[time | None] = mapped_column(Time, nullable=True)
    ends_at: Mapped[time | None] = mapped_column(Time, nullable=True)
    usage: Mapped[str] = mapped_column(String(12), default="unlimited")
    per_period: Mapped[int | None] = mapped_column(Integer, nullable=True)
    period: Mapped[str | None] = mapped_column(String(6), nullable=True)
    total_quantity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    redeemed: Mapped[int] = mapped_column(Integer, default=0)
    audience: Mapped[str] = mapped_column(String(14), default="all")
    organisations: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Paused by the partner: not redeemable and not listed until resumed (withdrawn is for good).
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Raised by every edit; the counter's per-tap query compares it with what a process remembers.
    rules_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    partner: Mapped[DiscountPartner] = relationship(lazy="joined")

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


class Redemption(NetworkScoped, Base):
    """A pass used for an offer. The partial unique index is the rule: one redemption per slot."""

    __tablename__ = "redemptions"
    __table_args__ = (
        Index(
            "uq_redemptions_slot",
            "offer_id",
            "pass_id",
            "period",
            "slot",
            unique=True,
            sqlite_where=text("undone_at IS NULL"),
            postgresql_where=text("undone_at IS NULL"),
        ),
        Index("ix_redemptions_partner_time", "partner_id", "redeemed_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # No foreign keys to the offer, its partner and the pass: checking one locks the parent row
    # (FOR KEY SHARE). Every redemption of a popular offer locked the same two rows, and concurrent
    # ones shared those locks through MultiXacts (migration 0005); the pass's lock was written into
    # its page and the write-ahead log (0007). What that cost: docs/performance.md. A redemption
    # takes all three ids from the rows it has just read, and none of them is ever deleted (an
    # offer is withdrawn, a pass revoked or replaced): the database refuses.
    offer_id: Mapped[str] = mapped_column(String(36))
    pass_id: Mapped[str] = mapped_column(String(36), index=True)
    partner_id: Mapped[str] = mapped_column(String(36))
    period: Mapped[str] = mapped_column(String(10), default="")
    # NULL for unlimited offers: NULLs never clash in a unique index.
    slot: Mapped[int | None] = mapped_column(Integer, nullable=True)
    redeemed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    offer: Mapped[Offer] = relationship(primaryjoin="foreign(Redemption.offer_id) == Offer.id", lazy="joined")


class RedemptionAttempt(Base):
    """The audit trail: every attempt to redeem, right or wrong, by whom and from where."""

    __tablename__ = "redemption_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    network_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    partner_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    client: Mapped[str] = mapped_column(String(64), default="")
    how: Mapped[str] = mapped_column(String(10))  # qr, number
    code_hint: Mapped[str] = mapped_column(String(8), default="")
    outcome: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IdempotentResponse(Base):
    """The first answer to a till's request with an Idempotency-Key, returned again on a repeat."""

    __tablename__ = "idempotent_responses"

    partner_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class UsedLoginLink(UsedLoginLinkMixin, Base):
    """Partners' login links are single use."""


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


from services.appreciation.models.gatherings import Gathering, Invitation  # noqa: E402, F401
from services.appreciation.models.imports import NominationImport, NominationImportRow  # noqa: E402, F401

TABLES = Tables(Base.metadata, OutboxMessage, InboxEntry, DeadLetter, ApiToken)
