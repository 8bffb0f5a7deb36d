"""Joint appreciation events: created and published by the coordinator (or a member for its own
volunteers), invitations fanned out in batches, sign-up with a capacity and a waiting list, places
that come free offered in waiting-list order until a deadline.

Every rule about seats is a conditional UPDATE on the event's row (`taken + seats <= capacity`, and a
CHECK behind it); waiting-list numbers come from an UPDATE … RETURNING of the event's counter; an
invitation changes state only from the state it was read in. Nothing is read-then-written in Python.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session

from services.appreciation import domain
from services.appreciation.links import Links
from services.appreciation.models import (
    AppreciationEvent,
    HolderMembership,
    Invitation,
    NetworkReplica,
    Pass,
    PassHolder,
)
from services.appreciation.passes import outbox
from services.appreciation.services import NotFound
from shared.db import utcnow
from shared.identity import Principal, Role

BATCH = 500  # invitations per batch: one task and one message event per 500 people
OFFER_HOURS = 48  # how long a freed place waits for the next person's answer …
OFFER_MINIMUM = timedelta(hours=2)  # … or half the time left before the event, but at least this
KINDS = ("volunteer_day", "pampering", "thank_you_evening", "training")


class EventClosed(domain.InvalidTransition):
    """The event takes no (more) sign-ups."""


# --- organising ------------------------------------------------------------------------------


def create(session: Session, principal: Principal, fields: dict) -> AppreciationEvent:
    """The coordinator organises for the whole network; a member for its own volunteers."""
    if principal.role == Role.ORGANISATION:
        fields = {**fields, "audience": "organisations", "organisations": [principal.organisation_id]}
        organiser = principal.organisation_id
    elif principal.role == Role.COORDINATOR:
        organiser = None
    else:
        raise domain.NotAllowed("only the coordinator and member organisations organise events")
    event = AppreciationEvent(organiser_id=organiser, **fields)
    session.add(event)
    session.flush()
    return event


def organised(session: Session, principal: Principal, event_id: str) -> AppreciationEvent:
    event = session.get(AppreciationEvent, event_id)
    if event is None:
        raise NotFound("no such event")
    mine = (principal.role == Role.COORDINATOR and event.organiser_id is None) or (
        principal.role == Role.ORGANISATION and event.organiser_id == principal.organisation_id
    )
    if not (mine or domain.is_coordinator_of(principal, event.network_id)):
        raise NotFound("no such event")
    return event


def publish(session: Session, principal: Principal, event_id: str) -> AppreciationEvent:
    """Draft → published, once; the invitations then go out batch by batch (see `invite_batch`)."""
    event = organised(session, principal, event_id)
    changed = session.execute(
        update(AppreciationEvent)
        .where(AppreciationEvent.id == event.id, AppreciationEvent.status == "draft")
        .values(status="published", published_at=utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not changed:
        raise domain.InvalidTransition(f"a {event.status} event cannot be published")
    outbox.add_task(session, "appreciation.continue_invitations", event.network_id, {"event_id": event.id})
    return event


def events_of(session: Session, principal: Principal) -> list[AppreciationEvent]:
    query = select(AppreciationEvent).order_by(AppreciationEvent.starts_at)
    if principal.role == Role.ORGANISATION:
        query = query.where(AppreciationEvent.organiser_id == principal.organisation_id)
    return list(session.scalars(query))


# --- invitations, batch by batch -------------------------------------------------------------


def _audience(event: AppreciationEvent):
    """Holders with an active, valid pass, of the given organisations where the event says so."""
    today = domain.local_today()
    query = select(PassHolder).where(
        PassHolder.network_id == event.network_id,
        exists().where(
            Pass.holder_id == PassHolder.id,
            Pass.status == domain.PassStatus.ACTIVE,
            Pass.valid_until >= today,
        ),
    )
    if event.audience == "organisations":
        query = query.where(
            exists().where(
                and_(
                    HolderMembership.holder_id == PassHolder.id,
                    HolderMembership.organisation_id.in_(event.organisations or []),
                )
            )
        )
    return query


def invite_batch(session: Session, network_id: str, event_id: str, after: str, links: Links) -> int:
    """Invite the next `BATCH` people of the audience (by id, after `after`) and ask for the next
    batch through the outbox, in the same transaction: each batch exactly once, whatever crashes."""
    event = session.get(AppreciationEvent, event_id)
    if event is None or event.status != "published":
        return 0
    people = list(
        session.scalars(_audience(event).where(PassHolder.id > after).order_by(PassHolder.id).limit(BATCH))
    )
    if not people:
        return 0
    invitations = [Invitation(network_id=network_id, event_id=event.id, holder_id=p.id) for p in people]
    session.add_all(invitations)
    session.flush()
    event.invited = AppreciationEvent.invited + len(people)
    outbox.add(
        session,
        "appreciation.invitations_sent.v1",
        network_id,
        {
            "event": (about := summary(session, event)),
            "network_name": about["network_name"],
            "description": event.description,
            "signup_deadline": event.signup_deadline.isoformat(),
            "invitees": [
                {
                    "name": person.name,
                    "email": person.email,
                    "language": person.language,
                    "signup_url": links.invitation_page(invitation.id),
                }
                for person, invitation in zip(people, invitations, strict=True)
            ],
        },
    )
    if len(people) == BATCH:
        outbox.add_task(
            session,
            "appreciation.continue_invitations",
            network_id,
            {"event_id": event.id, "after": people[-1].id},
        )
    return len(people)


def summary(session: Session, event: AppreciationEvent) -> dict:
    network = session.get(NetworkReplica, event.network_id)
    return {
        "event_id": event.id,
        "title": event.title,
        "kind": event.kind,
        "venue": event.venue,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "network_name": network.name if network else "",
    }


# --- answering an invitation -----------------------------------------------------------------


def sign_up(session: Session, invitation_id: str, guests: int, answers: dict, links: Links) -> Invitation:
    """A seat for the person and their guests if the capacity allows, else a place on the waiting
    list; either way a confirmation by e-mail."""
    invitation = _invitation(session, invitation_id)
    event = invitation.event
    if invitation.status in ("signed_up", "waiting", "offered"):
        return invitation  # a second click changes nothing
    now = utcnow()
    if event.status != "published" or now > event.signup_deadline or now > event.starts_at:
        raise EventClosed("sign-up for this event has closed")
    if not 0 <= guests <= event.guests_allowed:
        raise domain.InvalidTransition(f"you may bring at most {event.guests_allowed} guest(s)")
    seats = 1 + guests
    if seats > event.capacity:
        raise domain.InvalidTransition("the event has fewer places than that")
    claimed = _set_status(session, invitation, ("invited", "declined", "cancelled", "lapsed"), "claiming")
    if not claimed:
        return invitation
    if _take_seats(session, event.id, seats):
        values = {"status": "signed_up", "waiting_position": None}
    else:
        values = {"status": "waiting", "waiting_position": _next_waiting_number(session, event.id)}
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


def _take_seats(session: Session, event_id: str, seats: int) -> bool:
    return bool(
        session.execute(
            update(AppreciationEvent)
            .where(
                AppreciationEvent.id == event_id,
                AppreciationEvent.taken + seats <= AppreciationEvent.capacity,
            )
            .values(taken=AppreciationEvent.taken + seats)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def _fits(seats: int):
    return AppreciationEvent.taken + seats <= AppreciationEvent.capacity


def _release_seats(session: Session, event_id: str, seats: int) -> None:
    session.execute(
        update(AppreciationEvent)
        .where(AppreciationEvent.id == event_id)
        .values(taken=AppreciationEvent.taken - seats)
        .execution_options(synchronize_session=False)
    )


def _next_waiting_number(session: Session, event_id: str) -> int:
    """The next number on the waiting list: one UPDATE … RETURNING, so two people never share one."""
    return session.execute(
        update(AppreciationEvent)
        .where(AppreciationEvent.id == event_id)
        .values(waiting_seq=AppreciationEvent.waiting_seq + 1)
        .returning(AppreciationEvent.waiting_seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def _confirm(session: Session, invitation: Invitation, links: Links) -> None:
    holder = invitation.holder
    outbox.add(
        session,
        "appreciation.signup_answered.v1",
        invitation.network_id,
        {
            "invitation_id": invitation.id,
            "event": (about := summary(session, invitation.event)),
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
    if invitation.status != "waiting":
        return None
    ahead = session.scalar(
        select(func.count(Invitation.id)).where(
            Invitation.event_id == invitation.event_id,
            Invitation.status == "waiting",
            Invitation.waiting_position < invitation.waiting_position,
        )
    )
    return ahead + 1


def decline(session: Session, invitation_id: str, links: Links) -> Invitation:
    """Not coming: a held seat (or an offered one) goes to the waiting list; a waiting place lapses."""
    invitation = _invitation(session, invitation_id)
    previous, seats = invitation.status, invitation.seats
    if previous in ("declined", "cancelled"):
        return invitation
    answer = "cancelled" if previous != "invited" else "declined"
    if not _set_status(session, invitation, (previous,), answer, seats=seats):
        return invitation
    _update(session, invitation, responded_at=utcnow(), waiting_position=None, offer_expires_at=None)
    if previous in ("signed_up", "offered"):
        _release_seats(session, invitation.event_id, seats)
        offer_freed_places(session, invitation.event_id, links)
    return invitation


def offer_freed_places(session: Session, event_id: str, links: Links, now: datetime | None = None) -> int:
    """Offer free seats to the waiting list, first come first served, while they fit."""
    event = session.get(AppreciationEvent, event_id)
    now = now or utcnow()
    if event.status != "published" or now >= event.starts_at:
        return 0  # nothing to offer for an event that is off or under way
    offered = 0
    while True:
        free = session.scalar(
            select(AppreciationEvent.capacity - AppreciationEvent.taken).where(
                AppreciationEvent.id == event_id
            )
        )
        # The first in line whose party fits: a large party does not block smaller ones behind it.
        candidate = session.scalar(
            select(Invitation)
            .where(Invitation.event_id == event_id, Invitation.status == "waiting", Invitation.seats <= free)
            .order_by(Invitation.waiting_position)
            .limit(1)
        )
        if candidate is None or not _take_seats(session, event_id, candidate.seats):
            return offered
        wait = min(timedelta(hours=OFFER_HOURS), max((event.starts_at - now) / 2, OFFER_MINIMUM))
        expires = min(now + wait, event.starts_at)
        if not _set_status(session, candidate, ("waiting",), "offered", offer_expires_at=expires):
            _release_seats(session, event_id, candidate.seats)  # someone else moved them meanwhile
            continue
        holder = candidate.holder
        outbox.add(
            session,
            "appreciation.place_offered.v1",
            candidate.network_id,
            {
                "invitation_id": candidate.id,
                "event": (about := summary(session, event)),
                "network_name": about["network_name"],
                "person": {"name": holder.name, "email": holder.email, "language": holder.language},
                "confirm_url": links.invitation_page(candidate.id),
                "expires_at": expires.isoformat(),
            },
        )
        offered += 1


def accept_offer(session: Session, invitation_id: str, links: Links) -> Invitation:
    """The offered place is taken: confirmed, if the deadline has not passed."""
    invitation = _invitation(session, invitation_id)
    if invitation.status == "signed_up":
        return invitation
    now = utcnow()
    # Conditional on the offer still standing and the event still on: the deadline is the database's.
    still_on = exists().where(
        AppreciationEvent.id == Invitation.event_id, AppreciationEvent.status == "published"
    )
    taken = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.status == "offered",
            Invitation.offer_expires_at >= now,
            still_on,
        )
        .values(status="signed_up", offer_expires_at=None, responded_at=now)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not taken:
        raise EventClosed("this offer has expired; the place went to the next person")
    _confirm(session, invitation, links)
    return invitation


def lapse_offers(session: Session, links: Links, now: datetime | None = None) -> int:
    """Beat: offers not taken in time lapse, and their seats go to the next on the waiting list."""
    now = now or utcnow()
    expired = list(
        session.scalars(
            select(Invitation).where(Invitation.status == "offered", Invitation.offer_expires_at < now)
        )
    )
    lapsed = 0
    for invitation in expired:
        seats = invitation.seats
        if _set_status(session, invitation, ("offered",), "lapsed", seats=seats, offer_expires_at=None):
            lapsed += 1
            _release_seats(session, invitation.event_id, seats)
            offer_freed_places(session, invitation.event_id, links, now)
    return lapsed


# --- changes, cancellation, reminders, the door, feedback -------------------------------------

COMING = ("signed_up", "offered")


def _tell(session: Session, event: AppreciationEvent, event_type: str, invitations, url, **extra) -> int:
    """One message event per batch of people: each becomes a personal e-mail in notifications."""
    about = summary(session, event)
    people = [
        {"name": i.holder.name, "email": i.holder.email, "language": i.holder.language, "url": url(i)}
        for i in invitations
    ]
    for start in range(0, len(people), BATCH):
        outbox.add(
            session,
            event_type,
            event.network_id,
            {
                "event": about,
                "network_name": about["network_name"],
                "people": people[start : start + BATCH],
                **extra,
            },
        )
    return len(people)


def _invitations(session: Session, event_id: str, *statuses: str) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation).where(Invitation.event_id == event_id, Invitation.status.in_(statuses))
        )
    )


def change(
    session: Session, principal: Principal, event_id: str, changes: dict, links: Links
) -> AppreciationEvent:
    """The organiser changes the event; a new time or venue is told to everyone coming."""
    event = organised(session, principal, event_id)
    if event.status == "cancelled":
        raise domain.InvalidTransition("a cancelled event cannot be changed")
    previous_start, previous_venue = event.starts_at, event.venue
    for name, value in changes.items():
        setattr(event, name, value)
    if event.ends_at <= event.starts_at or event.signup_deadline > event.starts_at:
        raise domain.InvalidTransition("the event must end after it starts, and sign-up close before it")
    moved = event.starts_at != previous_start or event.venue != previous_venue
    if event.status == "published" and moved:
        session.flush()
        coming = _invitations(session, event.id, *COMING)
        if coming:
            _tell(
                session,
                event,
                "appreciation.event_changed.v1",
                coming,
                lambda i: links.invitation_page(i.id),
                previous_starts_at=previous_start.isoformat(),
                previous_venue=previous_venue,
            )
        # A reminder already sent named the old time: the new one deserves its own.
        session.execute(update(Invitation).where(Invitation.event_id == event.id).values(reminded_at=None))
    return event


def cancel(session: Session, principal: Principal, event_id: str, links: Links) -> AppreciationEvent:
    """The event will not take place: everyone invited hears it, once."""
    event = organised(session, principal, event_id)
    changed = session.execute(
        update(AppreciationEvent)
        .where(AppreciationEvent.id == event.id, AppreciationEvent.status.in_(("draft", "published")))
        .values(status="cancelled", cancelled_at=utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not changed:
        raise domain.InvalidTransition("the event has been cancelled already")
    invited = list(session.scalars(select(Invitation).where(Invitation.event_id == event.id)))
    if invited:
        _tell(
            session, event, "appreciation.event_cancelled.v1", invited, lambda i: links.invitation_page(i.id)
        )
    return event


def send_reminders(session: Session, links: Links, days: int, now: datetime | None = None) -> int:
    """Beat: everyone signed up for an event within `days` gets one reminder. Marking and telling
    happen in one transaction, conditional on not yet reminded: a restarted scheduler, or two
    running at once, still send each reminder once."""
    now = now or utcnow()
    soon = list(
        session.scalars(
            select(AppreciationEvent).where(
                AppreciationEvent.status == "published",
                AppreciationEvent.starts_at > now,
                AppreciationEvent.starts_at <= now + timedelta(days=days),
            )
        )
    )
    return sum(
        _mark_once_and_tell(
            session,
            event,
            Invitation.status == "signed_up",
            Invitation.reminded_at,
            now,
            "appreciation.event_reminder_due.v1",
            lambda i: links.invitation_page(i.id),
        )
        for event in soon
    )


def ask_feedback(session: Session, links: Links, now: datetime | None = None) -> int:
    """Beat: after an event, those who came are asked for a mark and a comment, once."""
    now = now or utcnow()
    ended = list(
        session.scalars(
            select(AppreciationEvent).where(
                AppreciationEvent.status == "published",
                AppreciationEvent.ends_at <= now,
                AppreciationEvent.ends_at > now - timedelta(days=14),
            )
        )
    )
    return sum(
        _mark_once_and_tell(
            session,
            event,
            Invitation.checked_in_at.is_not(None),
            Invitation.feedback_asked_at,
            now,
            "appreciation.feedback_requested.v1",
            lambda i: links.feedback_page(i.id),
        )
        for event in ended
    )


def _mark_once_and_tell(session: Session, event, who, marker, now: datetime, event_type: str, url) -> int:
    """Mark `who` of this event's invitations whose `marker` is still empty, and tell exactly
    those: marking and telling share the transaction and the mark is conditional, so a restarted
    or doubled beat tells each person once."""
    marked = session.scalars(
        update(Invitation)
        .where(Invitation.event_id == event.id, who, marker.is_(None))
        .values({marker: now})
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not marked:
        return 0
    people = list(session.scalars(select(Invitation).where(Invitation.id.in_(marked))))
    return _tell(session, event, event_type, people, url)


def check_in(session: Session, principal: Principal, event_id: str, invitation_id: str) -> Invitation:
    """At the door: the organiser checks someone in (once; a second scan changes nothing)."""
    event = organised(session, principal, event_id)
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.event_id != event.id:
        raise NotFound("no such invitation for this event")
    done = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status == "signed_up")
        .values(checked_in_at=func.coalesce(Invitation.checked_in_at, utcnow()))
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not done:
        raise domain.InvalidTransition("this person is not signed up")
    return invitation


def door_list(session: Session, principal: Principal, event_id: str, search: str = "") -> tuple:
    """(event, the people expected, with who came), by name; `search` narrows by name."""
    event = organised(session, principal, event_id)
    query = (
        select(Invitation)
        .join(PassHolder, PassHolder.id == Invitation.holder_id)
        .where(Invitation.event_id == event.id, Invitation.status == "signed_up")
        .order_by(PassHolder.name)
    )
    if search.strip():
        query = query.where(func.lower(PassHolder.name).contains(search.strip().lower()))
    return event, list(session.scalars(query))


def give_feedback(session: Session, invitation_id: str, mark: int, comment: str) -> Invitation:
    invitation = _invitation(session, invitation_id)
    if invitation.checked_in_at is None:
        raise domain.InvalidTransition("feedback is for those who came")
    _update(session, invitation, feedback_mark=mark, feedback_comment=comment)
    return invitation


def figures(session: Session, event: AppreciationEvent) -> dict:
    """Invited, signed up, waiting, who came, and the average mark."""
    counts = dict(
        session.execute(
            select(Invitation.status, func.count())
            .where(Invitation.event_id == event.id)
            .group_by(Invitation.status)
        ).all()
    )
    came, average = session.execute(
        select(func.count(Invitation.checked_in_at), func.avg(Invitation.feedback_mark)).where(
            Invitation.event_id == event.id
        )
    ).one()
    return {
        "invited": event.invited,
        "signed_up": counts.get("signed_up", 0),
        "waiting": counts.get("waiting", 0),
        "attended": came,
        "average_mark": round(float(average), 1) if average is not None else None,
    }
