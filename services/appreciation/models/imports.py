"""Nominations from a large CSV file: the job and its rows (each row's cells, then its outcome)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.appreciation.models.base import Base
from shared.db import UTCDateTime, new_id, utcnow
from shared.tenancy import NetworkScoped


class NominationImport(NetworkScoped, Base):
    """A member's volunteers nominated from a file too large to do while the person waits."""

    __tablename__ = "nomination_imports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(String(36))  # whose volunteers
    # Who started it: the member organisation itself, or the coordinator (on its behalf); the API
    # token, if it came through the API.
    started_by_role: Mapped[str] = mapped_column(String(20))
    started_by_token: Mapped[str | None] = mapped_column(String(36), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued, running, done
    # Rows in the file, rows processed, and what became of them; changed with the chunk's rows.
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    existing: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class NominationImportRow(Base):
    """One line of the file as it was read, and (once its chunk ran) its outcome for the report."""

    __tablename__ = "nomination_import_rows"

    import_id: Mapped[str] = mapped_column(ForeignKey("nomination_imports.id"), primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The cells as typed (a refused row's report shows what was wrong with them).
    name: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(Text, default="")
    overflow: Mapped[bool] = mapped_column(default=False)  # more cells than the header
    outcome: Mapped[str | None] = mapped_column(String(10), nullable=True)  # None: not yet processed
    reason: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")  # the address the report shows
