"""Invitations to a gathering: fanned out in batches, sign-up with a capacity and a waiting list,
places that come free offered in waiting-list order until a deadline.

Waiting-list numbers come from an UPDATE … RETURNING of the gathering's counter; an invitation
changes state only from the state it was read in. Nothing is read-then-written in Python.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session

from services.appreciation.domain import gatherings as rules
from services.appreciation.domain.clock import local_today
from services.appreciation.domain.errors import NotFound
from services.appreciation.domain.gatherings import GatheringClosed, GatheringStatus, InvitationStatus
from services.appreciation.domain.passes import PassStatus
from services.appreciation.links import Links
from services.appreciation.models import Gathering, HolderMembership, Invitation, Pass, PassHolder
from services.appreciation.usecases.common import outbox
from services.appreciation.usecases.gatherings import CONTINUE_INVITATIONS, summary
from services.appreciation.usecases.seats import release_seats, take_seats, take_waiting_number
from shared.db import utcnow


def _audience(gathering: Gathering):
    """Holders with an active, valid pass, of the given organisations where the gathering says so."""
    query = select(PassHolder).where(
        PassHolder.network_id == gathering.network_id,
        exists().where(
            Pass.holder_id == PassHolder.id,
            Pass.status == PassStatus.ACTIVE,
            Pass.valid_until >= local_today(),
        ),
    )
    organisations = rules.audience_organisations(gathering)
    if organisations is not None:
        query = query.where(
            exists().where(
                and_(
                    HolderMembership.holder_id == PassHolder.id,
                    HolderMembership.organisation_id.in_(organisations),
                )
            )
        )
    return query


INVITATIONS_SENT = "appreciation.invitations_sent.v1"


def invitations_sent(session: Session, gathering: Gathering, invitees: list[dict]) -> dict:
    """The payload of `appreciation.invitations_sent.v1` for these invitees (name, email, language,
    signup_url each): what the batch sends, and what the organiser's preview shows."""
    about = summary(session, gathering)
    return {
        "event": about,
        "network_name": about["network_name"],
        "description": gathering.description,
        "signup_deadline": gathering.signup_deadline.isoformat(),
        "invitees": invitees,
    }


def invite_batch(session: Session, network_id: str, gathering_id: str, after: str, links: Links) -> int:
    """Invite the next `BATCH` people of the audience (by id, after `after`) and ask for the next
    batch through the outbox, in the same transaction: each batch exactly once, whatever crashes."""
    gathering = session.get(Gathering, gathering_id)
    if gathering is None or gathering.status != GatheringStatus.PUBLISHED:
        return 0
    query = _audience(gathering).where(PassHolder.id > after).order_by(PassHolder.id).limit(rules.BATCH)
    people = list(session.scalars(query))
    if not people:
        return 0
    invitations = [Invitation(network_id=network_id, event_id=gathering.id, holder_id=p.id) for p in people]
    session.add_all(invitations)
    session.flush()
    gathering.invited = Gathering.invited + len(people)
    invitees = [
        {
            "name": person.name,
            "email": person.email,
            "language": person.language,
            "signup_url": links.invitation_page(invitation.id),
        }
        for person, invitation in zip(people, invitations, strict=True)
    ]
    outbox.add(session, INVITATIONS_SENT, network_id, invitations_sent(session, gathering, invitees))
    if len(people) == rules.BATCH:
        outbox.add_task(
            session, CONTINUE_INVITATIONS, network_id, {"event_id": gathering.id, "after": people[-1].id}
        )
    return len(people)


def sign_up(session: Session, invitation_id: str, guests: int, answers: dict, links: Links) -> Invitation:
    """A seat for the person and their guests if the capacity allows, else a place on the waiting
    list; either way a confirmation by e-mail."""
    invitation = _invitation(session, invitation_id)
    gathering = invitation.gathering
    if invitation.status in InvitationStatus.ANSWERED:
        return invitation  # a second click changes nothing
    now = utcnow()
    rules.ensure_sign_up_open(gathering, now)
    seats = rules.seats_for(gathering, guests)
    if not _set_status(session, invitation, InvitationStatus.MAY_SIGN_UP, InvitationStatus.CLAIMING):
        return invitation
    if take_seats(session, gathering.id, seats):
        values = {"status": InvitationStatus.SIGNED_UP, "waiting_position": None}
    else:
        values = {
            "status": InvitationStatus.WAITING,
            "waiting_position": take_waiting_number(session, gathering.id),
        }
    _update(session, invitation, seats=seats, answers=answers, responded_at=now, **values)
    _confirm(session, invitation, links)
    return invitation


def _invitation(session: Session, invitation_id: str) -> Invitation:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound("no such invitation")
    return invitation


def _set_status(
    session: Session, invitation: Invitation, from_states: tuple, to: str, seats: int | None = None, **values
) -> bool:
    """Move the invitation on only from a state it is still in (and, given `seats`, with the seats
    read): two clicks, or a change in between, make one change."""
    condition = [Invitation.id == invitation.id, Invitation.status.in_(from_states)]
    if seats is not None:
        condition.append(Invitation.seats == seats)
    return bool(
        session.execute(
            update(Invitation)
            .where(*condition)
            .values(status=to, **values)
            .execution_options(synchronize_session="fetch")
        ).rowcount
    )


def _update(session: Session, invitation: Invitation, **values) -> None:
    session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id)
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )


def _confirm(session: Session, invitation: Invitation, links: Links) -> None:
    holder = invitation.holder
    outbox.add(
        session,
        "appreciation.signup_answered.v1",
        invitation.network_id,
        {
            "invitation_id": invitation.id,
            "event": (about := summary(session, invitation.gathering)),
            "network_name": about["network_name"],
            "person": {"name": holder.name, "email": holder.email, "language": holder.language},
            "status": invitation.status,
            "waiting_position": waiting_position(session, invitation),
            "seats": invitation.seats,
            "manage_url": links.invitation_page(invitation.id),
        },
    )


def waiting_position(session: Session, invitation: Invitation) -> int | None:
    """Where the person stands now: how many still wait before them, plus one."""
    if invitation.status != InvitationStatus.WAITING:
        return None
    ahead = session.scalar(
        select(func.count(Invitation.id)).where(
            Invitation.event_id == invitation.event_id,
            Invitation.status == InvitationStatus.WAITING,
            Invitation.waiting_position < invitation.waiting_position,
        )
    )
    return ahead + 1


def decline(session: Session, invitation_id: str, links: Links) -> Invitation:
    """Not coming: a held seat (or an offered one) goes to the waiting list; a waiting place lapses."""
    invitation = _invitation(session, invitation_id)
    previous, seats = invitation.status, invitation.seats
    answer = rules.declining(previous)
    if answer is None:
        return invitation
    if not _set_status(session, invitation, (previous,), answer, seats=seats):
        return invitation
    _update(session, invitation, responded_at=utcnow(), waiting_position=None, offer_expires_at=None)
    if rules.frees_seats(previous):
        release_seats(session, invitation.event_id, seats)
        offer_freed_places(session, invitation.event_id, links)
    return invitation


def offer_freed_places(session: Session, gathering_id: str, links: Links, now: datetime | None = None) -> int:
    """Offer free seats to the waiting list, first come first served, while they fit."""
    gathering = session.get(Gathering, gathering_id)
    now = now or utcnow()
    if not rules.may_offer_places(gathering, now):
        return 0  # nothing to offer for a gathering that is off or under way
    offered = 0
    while True:
        free = session.scalar(
            select(Gathering.capacity - Gathering.taken).where(Gathering.id == gathering_id)
        )
        # The first in line whose party fits: a large party does not block smaller ones behind it.
        candidate = session.scalar(
            select(Invitation)
            .where(
                Invitation.event_id == gathering_id,
                Invitation.status == InvitationStatus.WAITING,
                Invitation.seats <= free,
            )
            .order_by(Invitation.waiting_position)
            .limit(1)
        )
        if candidate is None or not take_seats(session, gathering_id, candidate.seats):
            return offered
        expires = rules.place_offer_expiry(now, gathering.starts_at)
        waiting = (InvitationStatus.WAITING,)
        if not _set_status(session, candidate, waiting, InvitationStatus.OFFERED, offer_expires_at=expires):
            release_seats(session, gathering_id, candidate.seats)  # someone else moved them meanwhile
            continue
        _tell_place_offered(session, gathering, candidate, links, expires)
        offered += 1


def _tell_place_offered(
    session: Session, gathering: Gathering, candidate: Invitation, links: Links, expires: datetime
) -> None:
    holder = candidate.holder
    outbox.add(
        session,
        "appreciation.place_offered.v1",
        candidate.network_id,
        {
            "invitation_id": candidate.id,
            "event": (about := summary(session, gathering)),
            "network_name": about["network_name"],
            "person": {"name": holder.name, "email": holder.email, "language": holder.language},
            "confirm_url": links.invitation_page(candidate.id),
            "expires_at": expires.isoformat(),
        },
    )


def accept_offer(session: Session, invitation_id: str, links: Links) -> Invitation:
    """The offered place is taken: confirmed, if the deadline has not passed."""
    invitation = _invitation(session, invitation_id)
    if invitation.status == InvitationStatus.SIGNED_UP:
        return invitation
    now = utcnow()
    # Conditional on the offer still standing and the gathering still on: the deadline is the database's.
    still_on = exists().where(
        Gathering.id == Invitation.event_id, Gathering.status == GatheringStatus.PUBLISHED
    )
    taken = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.status == InvitationStatus.OFFERED,
            Invitation.offer_expires_at >= now,
            still_on,
        )
        .values(status=InvitationStatus.SIGNED_UP, offer_expires_at=None, responded_at=now)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not taken:
        raise GatheringClosed("this offer has expired; the place went to the next person")
    _confirm(session, invitation, links)
    return invitation


def lapse_offers(session: Session, links: Links, now: datetime | None = None) -> int:
    """Beat: offers not taken in time lapse, and their seats go to the next on the waiting list."""
    now = now or utcnow()
    expired = list(
        session.scalars(
            select(Invitation).where(
                Invitation.status == InvitationStatus.OFFERED, Invitation.offer_expires_at < now
            )
        )
    )
    lapsed = 0
    for invitation in expired:
        seats, offered = invitation.seats, (InvitationStatus.OFFERED,)
        if _set_status(
            session, invitation, offered, InvitationStatus.LAPSED, seats=seats, offer_expires_at=None
        ):
            lapsed += 1
            release_seats(session, invitation.event_id, seats)
            offer_freed_places(session, invitation.event_id, links, now)
    return lapsed
