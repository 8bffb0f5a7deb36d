"""Appreciation events (Gathering in code) and the invitations to them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.appreciation.models.base import Base
from shared.db import UTCDateTime, new_id, utcnow
from shared.tenancy import NetworkScoped

if TYPE_CHECKING:
    from services.appreciation.models import PassHolder


class Gathering(NetworkScoped, Base):
    """A joint appreciation event (Gathering in code): the volunteer day, a pampering afternoon, a
    thank-you evening."""

    __tablename__ = "appreciation_events"
    __table_args__ = (CheckConstraint("taken >= 0 AND taken <= capacity", name="ck_events_seats"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # None: organised by the network's coordinator for everyone; else by this member for its own.
    organiser_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))
    venue: Mapped[str] = mapped_column(String(200))
    area: Mapped[str] = mapped_column(String(120), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(Integer)
    signup_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    guests_allowed: Mapped[int] = mapped_column(Integer, default=0)
    accessibility: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[list] = mapped_column(JSON, default=list)
    audience: Mapped[str] = mapped_column(String(14), default="all")
    organisations: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # Seats held (guests included, places offered to the waiting list too), and the waiting list's
    # last number: both changed only by conditional UPDATEs.
    taken: Mapped[int] = mapped_column(Integer, default=0)
    waiting_seq: Mapped[int] = mapped_column(Integer, default=0)
    invited: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Invitation(NetworkScoped, Base):
    """One person's invitation to a gathering, and what they did with it."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("event_id", "holder_id", name="uq_invitation_person"),
        Index("ix_invitations_waiting", "event_id", "status", "waiting_position"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(ForeignKey("appreciation_events.id"))
    holder_id: Mapped[str] = mapped_column(ForeignKey("pass_holders.id"), index=True)
    # invited, signed_up, waiting, offered, declined, cancelled, lapsed (an offer not taken in time)
    status: Mapped[str] = mapped_column(String(10), default="invited")
    seats: Mapped[int] = mapped_column(Integer, default=1)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    waiting_position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Each set once, by a conditional UPDATE: a reminder or a feedback question is sent once.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    feedback_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    feedback_mark: Mapped[int | None] = mapped_column(Integer, nullable=True)
    feedback_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    holder: Mapped[PassHolder] = relationship(lazy="joined")
    gathering: Mapped[Gathering] = relationship(lazy="joined")
