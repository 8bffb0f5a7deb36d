"""An appreciation event's guest list for its organiser: the invitations grouped by where they
stand, and the member organisations whose names the organiser may see beside them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from services.appreciation.domain.gatherings import GUEST_ORDER, guest_group
from services.appreciation.models import Gathering, Invitation, OrganisationReplica, PassHolder
from services.appreciation.usecases.common import audit
from shared.identity import Principal, Role


def guest_list(session: Session, gathering: Gathering) -> list[tuple[str, list[Invitation]]]:
    """The invitations grouped in GUEST_ORDER (who came apart from who is coming), each with its
    holder and the holder's memberships loaded (two queries, however long the list); the waiting
    list in its order, the rest by name."""
    people = session.scalars(
        select(Invitation)
        .join(PassHolder, PassHolder.id == Invitation.holder_id)
        .where(Invitation.event_id == gathering.id)
        .options(contains_eager(Invitation.holder).selectinload(PassHolder.memberships))
        .order_by(Invitation.waiting_position, PassHolder.name)
    )
    groups: dict[str, list[Invitation]] = {status: [] for status in GUEST_ORDER}
    for invitation in people:
        groups.setdefault(guest_group(invitation.status, invitation.checked_in_at is not None), []).append(
            invitation
        )
    return [(status, found) for status, found in groups.items() if found]


def export_guest_list(
    session: Session, principal: Principal, gathering: Gathering
) -> list[tuple[str, list[Invitation]]]:
    """`guest_list` as it leaves Knoop (the CSV), recorded in the audit trail."""
    groups = guest_list(session, gathering)
    audit.record(session, principal, "guests.csv", gathering.id, sum(len(people) for _, people in groups))
    return groups


def organisation_names(session: Session, principal: Principal) -> dict[str, str]:
    """Member organisations by id; a member sees only its own name beside its volunteers."""
    query = select(OrganisationReplica.id, OrganisationReplica.name)
    if principal.role == Role.ORGANISATION:
        query = query.where(OrganisationReplica.id == principal.organisation_id)
    return dict(session.execute(query).all())
