"""The network's privacy text, one row per version the coordinator saved: a consent names the
version the person was shown, so an old version is never changed or removed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.recruitment.models.base import Base
from shared.db import UTCDateTime, new_id, utcnow
from shared.tenancy import NetworkScoped


class PrivacyText(NetworkScoped, Base):
    """One saved version of a network's privacy text (version 0 is Knoop's default text, never stored)."""

    __tablename__ = "privacy_texts"
    __table_args__ = (UniqueConstraint("network_id", "version", name="uq_privacy_text_version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)  # simple HTML, cleaned like a vacancy's description
    saved_by: Mapped[str] = mapped_column(String(320), default="")
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
