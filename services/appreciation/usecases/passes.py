"""Volunteer passes: the network's policy, nominating volunteers (from CSV: nominations.py), passes
for students whose placement is confirmed, reissuing a lost pass, and the holder's own view."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from services.appreciation.domain import access
from services.appreciation.domain import passes as rules
from services.appreciation.domain.clock import local_today
from services.appreciation.domain.errors import InvalidTransition, MemberChoice, NotAllowed, NotFound
from services.appreciation.domain.passes import PassStatus
from services.appreciation.links import Links
from services.appreciation.models import (
    Gathering,
    HolderMembership,
    Invitation,
    NetworkReplica,
    OrganisationReplica,
    Pass,
    PassHolder,
    PassPolicy,
    Redemption,
)
from services.appreciation.usecases.common import audit, outbox
from shared.db import utcnow
from shared.identity import Principal, Role


def policy(session: Session, network_id: str) -> PassPolicy:
    """The network's pass policy (calendar-year passes, no automatic student passes, until set)."""
    return session.get(PassPolicy, network_id) or PassPolicy(network_id=network_id)


def set_policy(session: Session, principal: Principal, changes: dict) -> PassPolicy:
    """The coordinator sets how long passes are valid and whether students get one."""
    if principal.role != Role.COORDINATOR:
        raise NotAllowed("only the network's coordinator sets the pass policy")
    current = session.get(PassPolicy, principal.network_id)
    if current is None:
        current = PassPolicy(network_id=principal.network_id)
        session.add(current)
    for name, value in changes.items():
        setattr(current, name, value)
    return current


@dataclass(frozen=True)
class Issued:
    pass_: Pass
    new: bool  # False: the person had an active pass already


def _holder(session: Session, network_id: str, person: dict) -> PassHolder:
    """The pass holder with this address in this network (explicitly: event handlers run unscoped).

    A new holder takes the name given; an existing one keeps theirs, so a second nominating member
    cannot rename someone another member nominated. Memberships are only ever added.
    """
    email = person["email"].strip().lower()
    holder = session.scalar(
        select(PassHolder).where(PassHolder.network_id == network_id, PassHolder.email == email)
    )
    if holder is None:
        holder = PassHolder(
            network_id=network_id, email=email, name=person["name"], language=person.get("language") or "nl"
        )
        session.add(holder)
    organisation_id = person.get("organisation_id")
    if organisation_id and organisation_id not in holder.organisation_ids:
        holder.memberships.append(HolderMembership(organisation_id=organisation_id))
    holder.is_student = holder.is_student or bool(person.get("is_student"))
    session.flush()
    return holder


def _active_pass(session: Session, holder: PassHolder) -> Pass | None:
    return session.scalar(
        select(Pass).where(
            Pass.network_id == holder.network_id,
            Pass.holder_id == holder.id,
            Pass.status == PassStatus.ACTIVE,
        )
    )


def issue(session: Session, network_id: str, person: dict, links: Links, reason: str) -> Issued:
    """One active pass per person per network: a second nomination returns the pass they have.

    The partial unique index on active passes backs this up if two nominations race.
    """
    holder = _holder(session, network_id, person)
    existing = _active_pass(session, holder)
    today = local_today()
    if existing is not None and existing.valid_until >= today:
        return Issued(existing, new=False)
    if existing is not None:  # expired: the next one replaces it
        _end(session, existing, PassStatus.REPLACED)
    return Issued(_new_pass(session, holder, links, reason), new=True)


def _end(session: Session, pass_: Pass, status: str) -> None:
    """Active → revoked or replaced, once: conditional, so a revoke racing a reissue cannot both
    succeed (and leave a new active pass behind a revocation)."""
    changed = session.execute(
        update(Pass)
        .where(Pass.id == pass_.id, Pass.status == PassStatus.ACTIVE)
        .values(status=status, ended_at=utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not changed:
        raise InvalidTransition("this pass is no longer active")


def _new_pass(session: Session, holder: PassHolder, links: Links, reason: str) -> Pass:
    valid_from, valid_until = rules.validity(
        policy(session, holder.network_id).validity_kind, utcnow().date()
    )
    pass_ = Pass(
        network_id=holder.network_id,
        holder_id=holder.id,
        number=rules.new_pass_number(),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    session.add(pass_)
    session.flush()
    network = session.get(NetworkReplica, holder.network_id)
    outbox.add(
        session,
        "appreciation.pass_issued.v1",
        holder.network_id,
        {
            "pass_id": pass_.id,
            "holder": {"name": holder.name, "email": holder.email, "language": holder.language},
            "number": rules.grouped(pass_.number),
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
            "network_name": network.name if network else "",
            "pass_url": links.holder_page(holder.id, holder.link_version),
            "qr_url": links.qr_url(pass_.id),
            "reason": reason,
        },
    )
    return pass_


def nominating_member(session: Session, principal: Principal, chosen: str | None) -> str:
    """The member organisation a nomination is for, one of the network's (the coordinator's choice
    is refused beside its field; a member that left is not allowed to nominate)."""
    organisation_id = access.nominating_member(principal, chosen)
    member = session.get(OrganisationReplica, organisation_id)
    if member is None or member.network_id != principal.network_id:
        if principal.role == Role.COORDINATOR:
            raise MemberChoice("choose one of the network's member organisations")
        raise NotAllowed("your organisation is not (or no longer) a member of this network")
    return organisation_id


def nominate(session: Session, principal: Principal, person: dict, links: Links) -> Issued:
    """A member organisation nominates one of its own volunteers; the coordinator one of a chosen
    member's (`person["organisation_id"]`)."""
    organisation_id = nominating_member(session, principal, person.get("organisation_id"))
    return issue(
        session,
        principal.network_id,
        {**person, "organisation_id": organisation_id, "is_student": False},
        links,
        reason="nominated",
    )


def issue_for_student(session: Session, event_network_id: str, data: dict, links: Links) -> Issued | None:
    """recruitment.placement_confirmed.v1: a pass for the student where the network's policy says so."""
    if not policy(session, event_network_id).students_get_pass:
        return None
    person = {**data["student"], "is_student": True}
    return issue(session, event_network_id, person, links, reason="student")


def reissue(session: Session, principal: Principal, pass_id: str, links: Links) -> Pass:
    """A lost pass: the old number, QR code and pass-page link stop working at once; the holder gets
    a new pass by e-mail."""
    old = session.get(Pass, pass_id)
    if old is None:
        raise NotFound("no such pass")
    holder = old.holder
    _ensure_may_manage(principal, holder)
    _end(session, old, PassStatus.REPLACED)
    holder.link_version += 1
    session.flush()  # the active-pass index must see the old one go before the new one comes
    new = _new_pass(session, holder, links, reason="reissued")
    old.replaced_by = new.id
    return new


def revoke(session: Session, principal: Principal, pass_id: str) -> Pass:
    """The coordinator revokes a pass outright. A member organisation withdraws its own nomination
    (the volunteer left it); the pass stops only when no member nominates the person any more and
    they are not a student on a placement, so one member cannot end another member's volunteer's pass."""
    pass_ = session.get(Pass, pass_id)
    if pass_ is None:
        raise NotFound("no such pass")
    holder = pass_.holder
    _ensure_may_manage(principal, holder)
    if principal.role == Role.ORGANISATION:
        holder.memberships = [m for m in holder.memberships if m.organisation_id != principal.organisation_id]
        if holder.memberships or holder.is_student:
            return pass_
    _end(session, pass_, PassStatus.REVOKED)
    return pass_


def _ensure_may_manage(principal: Principal, holder: PassHolder) -> None:
    """The coordinator manages every pass; an organisation those of its own volunteers."""
    own = principal.role == Role.ORGANISATION and principal.organisation_id in holder.organisation_ids
    if not (own or access.is_coordinator_of(principal, holder.network_id)):
        raise NotFound("no such pass")  # someone else's volunteer does not exist for this caller


def passes_of(session: Session, principal: Principal) -> list[tuple[Pass, PassHolder]]:
    """Passes with their holders: an organisation its own volunteers', the coordinator every one."""
    query = (
        select(Pass, PassHolder)
        .join(PassHolder, PassHolder.id == Pass.holder_id)
        .options(selectinload(PassHolder.memberships))  # the answer lists them after the session
        .order_by(PassHolder.name)
    )
    if principal.role == Role.ORGANISATION:
        query = query.join(HolderMembership, HolderMembership.holder_id == PassHolder.id).where(
            HolderMembership.organisation_id == principal.organisation_id
        )
    elif principal.role != Role.COORDINATOR:
        raise NotAllowed("only the coordinator and member organisations see passes")
    return [tuple(row) for row in session.execute(query)]


def export_passes(session: Session, principal: Principal) -> list[tuple[Pass, PassHolder]]:
    """`passes_of` as the API hands it to a system, recorded in the audit trail."""
    rows = passes_of(session, principal)
    audit.record(session, principal, "passes.list", "", len(rows))
    return rows


# --- the holder's own page -------------------------------------------------------------------


@dataclass
class HolderView:
    holder: PassHolder
    pass_: Pass | None
    history: list[Redemption] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)


def holder_view(session: Session, holder_id: str) -> HolderView:
    """The holder's latest pass, their last 50 redemptions and the events they were invited to."""
    holder = session.get(PassHolder, holder_id)
    if holder is None:
        raise NotFound("no such pass holder")
    current = session.scalar(
        select(Pass).where(Pass.holder_id == holder.id).order_by(Pass.issued_at.desc()).limit(1)
    )
    history = list(
        session.scalars(
            select(Redemption)
            .join(Pass, Pass.id == Redemption.pass_id)
            .where(Pass.holder_id == holder.id)
            .order_by(Redemption.redeemed_at.desc())
            .limit(50)
        )
    )
    # The events they were invited to, the latest first; twenty are plenty for one page.
    invited = list(
        session.scalars(
            select(Invitation)
            .join(Gathering, Gathering.id == Invitation.event_id)
            .where(Invitation.holder_id == holder.id)
            .order_by(Gathering.starts_at.desc())
            .limit(20)
        )
    )
    return HolderView(holder, current, history, invited)
