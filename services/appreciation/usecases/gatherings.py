"""Appreciation events (Gathering in code): created and published by the coordinator (or a member
for its own volunteers), cancelled, checked in at the door, and counted. Changes are in
gathering_changes.py, invitations and the waiting list in invitations.py, reminders and feedback
questions in follow_ups.py.

Every rule about seats is a conditional UPDATE on the gathering's row (`taken + seats <= capacity`,
and a CHECK behind it); a gathering changes state only from the state it was read in. Nothing is
read-then-written in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.appreciation.domain import access
from services.appreciation.domain import gatherings as rules
from services.appreciation.domain.errors import InvalidTransition, NotAllowed, NotFound
from services.appreciation.domain.gatherings import GatheringStatus, InvitationStatus
from services.appreciation.links import Links
from services.appreciation.models import Gathering, Invitation, NetworkReplica, PassHolder
from services.appreciation.usecases.common import outbox
from shared.db import utcnow
from shared.identity import Principal, Role

# The task a published gathering queues for itself through its own outbox, to invite its audience
# batch by batch.
CONTINUE_INVITATIONS = "appreciation.continue_invitations"


def create(session: Session, principal: Principal, fields: dict) -> Gathering:
    """The coordinator organises for the whole network; a member for its own volunteers."""
    if principal.role == Role.ORGANISATION:
        fields = rules.organised_by(principal.organisation_id, fields)
    elif principal.role == Role.COORDINATOR:
        fields = rules.organised_by(None, fields)
    else:
        raise NotAllowed("only the coordinator and member organisations organise events")
    gathering = Gathering(**fields)
    session.add(gathering)
    session.flush()
    return gathering


def organised(session: Session, principal: Principal, gathering_id: str) -> Gathering:
    """The gathering if the caller organises it (or coordinates its network); NotFound otherwise."""
    gathering = session.get(Gathering, gathering_id)
    if gathering is None:
        raise NotFound("no such event")
    mine = (principal.role == Role.COORDINATOR and gathering.organiser_id is None) or (
        principal.role == Role.ORGANISATION and gathering.organiser_id == principal.organisation_id
    )
    if not (mine or access.is_coordinator_of(principal, gathering.network_id)):
        raise NotFound("no such event")
    return gathering


def publish(session: Session, principal: Principal, gathering_id: str) -> Gathering:
    """Draft → published, once; the invitations then go out batch by batch
    (invitations.invite_batch)."""
    gathering = organised(session, principal, gathering_id)
    changed = session.execute(
        update(Gathering)
        .where(Gathering.id == gathering.id, Gathering.status == GatheringStatus.DRAFT)
        .values(status=GatheringStatus.PUBLISHED, published_at=utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not changed:
        raise InvalidTransition(f"a {gathering.status} event cannot be published")
    outbox.add_task(session, CONTINUE_INVITATIONS, gathering.network_id, {"event_id": gathering.id})
    return gathering


def gatherings_of(session: Session, principal: Principal) -> list[Gathering]:
    """The coordinator sees every gathering of the network, a member those it organises."""
    query = select(Gathering).order_by(Gathering.starts_at)
    if principal.role == Role.ORGANISATION:
        query = query.where(Gathering.organiser_id == principal.organisation_id)
    return list(session.scalars(query))


def summary(session: Session, gathering: Gathering) -> dict:
    """What every message about the gathering tells (the `event` of the event contracts)."""
    network = session.get(NetworkReplica, gathering.network_id)
    return {
        "event_id": gathering.id,
        "title": gathering.title,
        "kind": gathering.kind,
        "venue": gathering.venue,
        "starts_at": gathering.starts_at.isoformat(),
        "ends_at": gathering.ends_at.isoformat(),
        "network_name": network.name if network else "",
    }


def tell(
    session: Session,
    gathering: Gathering,
    event_type: str,
    invitations: Iterable[Invitation],
    url: Callable[[Invitation], str],
    **extra,
) -> int:
    """One message event per batch of people: each becomes a personal e-mail in notifications."""
    about = summary(session, gathering)
    people = [
        {"name": i.holder.name, "email": i.holder.email, "language": i.holder.language, "url": url(i)}
        for i in invitations
    ]
    for start in range(0, len(people), rules.BATCH):
        outbox.add(
            session,
            event_type,
            gathering.network_id,
            {
                "event": about,
                "network_name": about["network_name"],
                "people": people[start : start + rules.BATCH],
                **extra,
            },
        )
    return len(people)


def invitations_in(session: Session, gathering_id: str, *statuses: str) -> list[Invitation]:
    """The gathering's invitations in these states."""
    return list(
        session.scalars(
            select(Invitation).where(Invitation.event_id == gathering_id, Invitation.status.in_(statuses))
        )
    )


def cancel(session: Session, principal: Principal, gathering_id: str, links: Links) -> Gathering:
    """The gathering will not take place: everyone invited hears it, once."""
    gathering = organised(session, principal, gathering_id)
    changed = session.execute(
        update(Gathering)
        .where(
            Gathering.id == gathering.id,
            Gathering.status.in_((GatheringStatus.DRAFT, GatheringStatus.PUBLISHED)),
        )
        .values(status=GatheringStatus.CANCELLED, cancelled_at=utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not changed:
        raise InvalidTransition("the event has been cancelled already")
    invited = list(session.scalars(select(Invitation).where(Invitation.event_id == gathering.id)))
    if invited:
        tell(
            session,
            gathering,
            "appreciation.event_cancelled.v1",
            invited,
            lambda i: links.invitation_page(i.id),
        )
    return gathering


def check_in(session: Session, principal: Principal, gathering_id: str, invitation_id: str) -> Invitation:
    """At the door: the organiser checks someone in (once; a second scan changes nothing)."""
    gathering = organised(session, principal, gathering_id)
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.event_id != gathering.id:
        raise NotFound("no such invitation for this event")
    done = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status == InvitationStatus.SIGNED_UP)
        .values(checked_in_at=func.coalesce(Invitation.checked_in_at, utcnow()))
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not done:
        raise InvalidTransition("this person is not signed up")
    return invitation


def door_list(
    session: Session, principal: Principal, gathering_id: str, search: str = ""
) -> tuple[Gathering, list[Invitation]]:
    """(gathering, the people expected, with who came), by name; `search` narrows by name."""
    gathering = organised(session, principal, gathering_id)
    query = (
        select(Invitation)
        .join(PassHolder, PassHolder.id == Invitation.holder_id)
        .where(Invitation.event_id == gathering.id, Invitation.status == InvitationStatus.SIGNED_UP)
        .order_by(PassHolder.name)
    )
    if search.strip():
        query = query.where(func.lower(PassHolder.name).contains(search.strip().lower()))
    return gathering, list(session.scalars(query))


def figures(session: Session, gathering: Gathering) -> dict:
    """Invited, coming (and with their guests), waiting, offered a place, not coming, who came,
    the places left and the average mark."""
    counts, seats = {}, {}
    for status, people, taken in session.execute(
        select(Invitation.status, func.count(), func.coalesce(func.sum(Invitation.seats), 0))
        .where(Invitation.event_id == gathering.id)
        .group_by(Invitation.status)
    ).all():
        counts[status], seats[status] = people, int(taken)
    came, average = session.execute(
        select(func.count(Invitation.checked_in_at), func.avg(Invitation.feedback_mark)).where(
            Invitation.event_id == gathering.id
        )
    ).one()
    return {
        "invited": gathering.invited,
        "signed_up": counts.get(InvitationStatus.SIGNED_UP, 0),
        "coming_with_guests": seats.get(InvitationStatus.SIGNED_UP, 0),
        "waiting": counts.get(InvitationStatus.WAITING, 0),
        "offered": counts.get(InvitationStatus.OFFERED, 0),
        "declined": sum(counts.get(status, 0) for status in InvitationStatus.NOT_COMING),
        "attended": came,
        "places_left": max(gathering.capacity - gathering.taken, 0),
        "average_mark": round(float(average), 1) if average is not None else None,
    }
