"""What every recruitment use case shares: the outbox, the audit trail, lookup errors, links, recipients."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.models import AuditEntry, Network, Organisation, OutboxMessage
from shared.audit import AuditTrail
from shared.messaging.outbox import Outbox

outbox = Outbox(OutboxMessage, source="recruitment")
audit = AuditTrail(AuditEntry)


class NotFound(domain.DomainError):
    """No such record in the caller's network."""


class Conflict(domain.DomainError):
    """The record would clash with an existing one."""


class UnknownReference(domain.DomainError):
    """A field names something the network does not have (e.g. an activity category key)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def get(session: Session, model, record_id: str, what: str):
    """A record of the session's network, or NotFound."""
    record = session.get(model, record_id)
    if record is None:
        raise NotFound(f"no such {what}")
    return record


def network_of(session: Session, network_id: str) -> Network:
    return get(session, Network, network_id, "network")


def recipient(organisation: Organisation) -> dict:
    """An organisation's contact as a message recipient."""
    return {
        "name": organisation.contact_name,
        "email": organisation.contact_email,
        "language": organisation.language,
    }


def locked(session: Session, model, record_id: str):
    """The record, its row locked until commit (PostgreSQL; SQLite has one writer at a time anyway).
    `of=model` keeps the lock off the tables its eager joins bring along, where PostgreSQL refuses it."""
    return session.scalar(
        select(model)
        .where(model.id == record_id)
        .with_for_update(of=model)
        .execution_options(populate_existing=True)
    )
