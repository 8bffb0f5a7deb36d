"""The coordinator's pass holders: search by name, e-mail or last digits, and one holder's record."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from services.appreciation.domain import access
from services.appreciation.domain import passes as rules
from services.appreciation.domain.errors import NotAllowed, NotFound
from services.appreciation.models import OrganisationReplica, Pass, PassHolder, Redemption
from services.appreciation.usecases.common import audit
from shared.identity import Principal

FOUND_AT_MOST = 50


def _coordinator(principal: Principal) -> None:
    if not access.is_coordinator_of(principal, principal.network_id):
        raise NotAllowed("only the network's coordinator sees every pass holder")


def find_holders(session: Session, principal: Principal, query: str) -> list[PassHolder]:
    """Holders whose name or e-mail contains `query`, or one of whose passes ends in its digits;
    each search is recorded in the audit trail."""
    _coordinator(principal)
    query = query.strip()
    if not query:
        return []
    tail = rules.number_tail(query)
    text = query.lower()
    matches = [
        func.lower(PassHolder.name).contains(text, autoescape=True),
        func.lower(PassHolder.email).contains(text, autoescape=True),
    ]
    if tail:
        matches.append(PassHolder.id.in_(select(Pass.holder_id).where(Pass.number.endswith(tail))))
    found = list(
        session.scalars(
            select(PassHolder)
            .where(PassHolder.network_id == principal.network_id, or_(*matches))
            .options(selectinload(PassHolder.memberships))
            .order_by(PassHolder.name)
            .limit(FOUND_AT_MOST)
        )
    )
    audit.record(session, principal, "holders.search", query, len(found))
    return found


@dataclass
class HolderRecord:
    holder: PassHolder
    passes: list[Pass] = field(default_factory=list)  # newest first
    nominations: list[tuple[str, object]] = field(default_factory=list)  # (member name, when)
    history: list[Redemption] = field(default_factory=list)


def holder_record(session: Session, principal: Principal, holder_id: str) -> HolderRecord:
    """One holder for the coordinator: every pass, who nominated them when, the last 50 redemptions."""
    _coordinator(principal)
    holder = session.get(PassHolder, holder_id)
    if holder is None or holder.network_id != principal.network_id:
        raise NotFound("no such pass holder")
    passes = list(
        session.scalars(select(Pass).where(Pass.holder_id == holder.id).order_by(Pass.issued_at.desc()))
    )
    names = {
        o.id: o.name
        for o in session.scalars(
            select(OrganisationReplica).where(OrganisationReplica.id.in_(holder.organisation_ids))
        )
    }
    nominations = [(names.get(m.organisation_id, "?"), m.nominated_at) for m in holder.memberships]
    history = list(
        session.scalars(
            select(Redemption)
            .join(Pass, Pass.id == Redemption.pass_id)
            .where(Pass.holder_id == holder.id)
            .order_by(Redemption.redeemed_at.desc())
            .limit(50)
        )
    )
    return HolderRecord(holder, passes, nominations, history)
