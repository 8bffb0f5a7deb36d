"""Student placements: education partners' cohorts, registrations, placements, allocation, hours."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.recruitment.models.base import Base
from shared.db import UTCDateTime, new_id, utcnow
from shared.tenancy import NetworkScoped


class Cohort(NetworkScoped, Base):
    """A group of students of one education partner placed together, e.g. "Social work, year 1"."""

    __tablename__ = "cohorts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("education_partners.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="introduction")
    required_hours: Mapped[int] = mapped_column(Integer)
    max_preferences: Mapped[int] = mapped_column(Integer, default=3)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The link students register through: ≥ 256 random bits, and a short code to type.
    registration_token: Mapped[str] = mapped_column(String(64), unique=True)
    short_code: Mapped[str] = mapped_column(String(16), unique=True)
    registration_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    allocation_seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Deferred: it lists every unplaced student, and a cohort is loaded alongside each of its students.
    allocation_report: Mapped[dict | None] = mapped_column(JSON, nullable=True, deferred=True)
    allocated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    partner = relationship("EducationPartner", lazy="joined")


class Placement(NetworkScoped, Base):
    """A place a member organisation offers to students of one cohort."""

    __tablename__ = "placements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    cohort_id: Mapped[str] = mapped_column(ForeignKey("cohorts.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str] = mapped_column(String(120), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    hours: Mapped[int | None] = mapped_column(Integer, nullable=True)
    times: Mapped[str] = mapped_column(String(300), default="")
    # Students the organisation would rather have, best first (optional; used by the allocation).
    priorities: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation = relationship("Organisation", lazy="joined")
    cohort = relationship(Cohort, lazy="joined")


class StudentStatus:
    UNVERIFIED = "unverified"  # registered, e-mail address not yet confirmed
    REGISTERED = "registered"  # in the pool for the allocation
    ASSIGNED = "assigned"  # the published allocation gave them a placement
    CONFIRMED = "confirmed"  # the organisation confirmed the placement
    SIGNED_OFF = "signed_off"  # required hours reached and signed off
    ALL = (UNVERIFIED, REGISTERED, ASSIGNED, CONFIRMED, SIGNED_OFF)


class Student(NetworkScoped, Base):
    """A student registered for a cohort through its link, and where the allocation put them."""

    __tablename__ = "students"
    __table_args__ = (
        UniqueConstraint("cohort_id", "email", name="uq_student_email"),
        UniqueConstraint("cohort_id", "student_number", name="uq_student_number"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    cohort_id: Mapped[str] = mapped_column(ForeignKey("cohorts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    student_number: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(40), default="")
    availability: Mapped[str] = mapped_column(String(500), default="")
    languages: Mapped[list] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(2), default="nl")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    consent_version: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the privacy text shown
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    imported: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default=StudentStatus.UNVERIFIED, index=True)
    # The allocation's proposal (until published), then the placement itself.
    proposed_placement_id: Mapped[str | None] = mapped_column(ForeignKey("placements.id"), nullable=True)
    placement_id: Mapped[str | None] = mapped_column(ForeignKey("placements.id"), nullable=True, index=True)
    choice: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unplaced_reason: Mapped[str] = mapped_column(String(40), default="")
    # Placements whose organisation declined this student: never proposed again.
    declined_by: Mapped[list] = mapped_column(JSON, default=list)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    cohort = relationship(Cohort, lazy="joined")
    placement = relationship(Placement, foreign_keys=[placement_id], lazy="joined")
    preferences: Mapped[list[StudentPreference]] = relationship(
        lazy="selectin", order_by="StudentPreference.rank", cascade="all, delete-orphan"
    )


class StudentPreference(Base):
    """One line of a student's ranked list (rank 1 is the favourite)."""

    __tablename__ = "student_preferences"

    student_id: Mapped[str] = mapped_column(ForeignKey("students.id"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    placement_id: Mapped[str] = mapped_column(ForeignKey("placements.id"), index=True)


class HoursEntry(NetworkScoped, Base):
    """Hours a student logged; the organisation approves them or corrects the number."""

    __tablename__ = "hours_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    student_id: Mapped[str] = mapped_column(ForeignKey("students.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)
    activity: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default="logged")  # logged, approved, corrected
    approved_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class MeetSession(NetworkScoped, Base):
    """A meet-and-greet time slot where a cohort's students meet member organisations."""

    __tablename__ = "meet_sessions"
    __table_args__ = (CheckConstraint("taken >= 0 AND taken <= capacity", name="ck_meet_sessions_seats"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    cohort_id: Mapped[str] = mapped_column(ForeignKey("cohorts.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    # Counted in the row itself so a conditional UPDATE can enforce the capacity race-free.
    taken: Mapped[int] = mapped_column(Integer, default=0)


class MeetSignup(Base):
    """A student's seat in a meet-and-greet slot."""

    __tablename__ = "meet_signups"

    session_id: Mapped[str] = mapped_column(ForeignKey("meet_sessions.id"), primary_key=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("students.id"), primary_key=True, index=True)
    signed_up_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
