"""The audit trail of personal data leaving in bulk: who exported a list or searched for people,
when, what, about which subject and how many records they got (AVG: accountability, art. 5(2)).

Each service keeps its own `audit_entries` table (this mixin) and records an entry in the same unit of
work as the read it describes, so an export whose entry cannot be written fails as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared.db import UTCDateTime, utcnow
from shared.identity import Principal
from shared.tenancy import NetworkScoped

SUBJECT_LENGTH = 200
PER_PAGE = 50


class AuditEntryMixin(NetworkScoped):
    """Columns of a service's `audit_entries` table: one row per bulk export or search."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    role: Mapped[str] = mapped_column(String(40))
    # The organisation, partner or person the principal acts for, or its API token (see actor_id).
    actor_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # Readable: the e-mail address the session logged in with, or the API token's name.
    actor: Mapped[str] = mapped_column(String(320), default="", server_default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject: Mapped[str] = mapped_column(String(SUBJECT_LENGTH), default="", server_default="")
    count: Mapped[int] = mapped_column(Integer, default=0)


def actor_id(principal: Principal) -> str | None:
    """The id that says who acted: an API token's own id first (a token names its holder), else the
    person, partner or organisation the session acts for."""
    return principal.token_id or principal.person_id or principal.partner_id or principal.organisation_id


@dataclass(frozen=True)
class AuditPage:
    """One page of the trail, newest first."""

    entries: list
    page: int
    has_more: bool


class AuditTrail:
    """Records and lists the entries of one service's `audit_entries` table."""

    def __init__(self, model: type[AuditEntryMixin]):
        self.model = model

    def record(self, session: Session, principal: Principal, action: str, subject: str, count: int) -> None:
        """Stage an entry in `session` (committed with the unit of work of the read it describes)."""
        session.add(
            self.model(
                network_id=principal.network_id,
                at=utcnow(),
                role=principal.role,
                actor_id=actor_id(principal),
                actor=(principal.actor or "")[:320],
                action=action,
                subject=subject.strip()[:SUBJECT_LENGTH],
                count=count,
            )
        )

    def actions(self, session: Session) -> list[str]:
        """The actions the trail of the session's network holds, for a filter's choices."""
        return list(session.scalars(select(self.model.action).distinct().order_by(self.model.action)))

    def page(
        self,
        session: Session,
        *,
        action: str = "",
        since: datetime | None = None,
        until: datetime | None = None,
        page: int = 1,
    ) -> AuditPage:
        """Entries of the session's network (scoped by shared.tenancy), newest first, filtered by
        action and by time (`since` inclusive, `until` exclusive)."""
        model = self.model
        query = select(model).order_by(model.at.desc(), model.id.desc())
        if action:
            query = query.where(model.action == action)
        if since is not None:
            query = query.where(model.at >= since)
        if until is not None:
            query = query.where(model.at < until)
        page = max(page, 1)
        rows = list(session.scalars(query.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)))
        return AuditPage(rows[:PER_PAGE], page, len(rows) > PER_PAGE)


def create_audit_table(op) -> None:
    """The migration step that creates a service's `audit_entries` table."""
    import sqlalchemy as sa

    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("network_id", sa.String(36), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("actor_id", sa.String(36), nullable=True),
        sa.Column("actor", sa.String(320), nullable=False, server_default=""),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(SUBJECT_LENGTH), nullable=False, server_default=""),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    for column in ("network_id", "at", "action"):
        op.create_index(f"ix_audit_entries_{column}", "audit_entries", [column])


def drop_audit_table(op) -> None:
    op.drop_table("audit_entries")
