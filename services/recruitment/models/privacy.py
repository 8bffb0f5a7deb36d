"""A person's requests to see or erase their data (AVG art. 15 and 17), kept by the network's desk."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.recruitment.models.base import Base
from shared.db import UTCDateTime, new_id, utcnow
from shared.tenancy import NetworkScoped


class PrivacyRequest(NetworkScoped, Base):
    """One request about one address. The address is kept while the request runs (an access
    request: until its download expires); afterwards only its keyed digest, to recognise a repeat."""

    __tablename__ = "privacy_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(10))  # access, erasure
    email: Mapped[str] = mapped_column(String(320), default="")
    email_digest: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(2), default="nl")
    # unconfirmed → collecting (access) / erasing (erasure) → ready (access) / done; expired
    status: Mapped[str] = mapped_column(String(12), default="unconfirmed", index=True)
    requested_by: Mapped[str] = mapped_column(String(20), default="person")  # person, coordinator
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    parts: Mapped[list[PrivacyRequestPart]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="PrivacyRequestPart.service",
        lazy="selectin",
    )


class PrivacyRequestPart(Base):
    """One service's answer: its records (access, deleted when the download expires) or its counts
    (erasure, kept as the proof of what was done)."""

    __tablename__ = "privacy_request_parts"

    request_id: Mapped[str] = mapped_column(ForeignKey("privacy_requests.id"), primary_key=True)
    service: Mapped[str] = mapped_column(String(20), primary_key=True)
    records: Mapped[dict] = mapped_column(JSON, default=dict)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    request: Mapped[PrivacyRequest] = relationship(back_populates="parts")
