"""After a gathering is on its way: one reminder before it for everyone signed up, one feedback
question after it for everyone who came, and their answer. Marking and telling share a transaction
and the mark is conditional, so a restarted scheduler, or two running at once, tell each person
once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.appreciation.domain import gatherings as rules
from services.appreciation.domain.errors import NotFound
from services.appreciation.domain.gatherings import GatheringStatus, InvitationStatus
from services.appreciation.links import Links
from services.appreciation.models import Gathering, Invitation, PassHolder
from services.appreciation.usecases.gatherings import tell
from shared import ical
from shared.db import utcnow

FEEDBACK_DAYS = 14  # how long after a gathering its feedback question is still asked


def send_reminders(session: Session, links: Links, days: int, now: datetime | None = None) -> int:
    """Beat: everyone signed up for a gathering within `days` gets one reminder."""
    now = now or utcnow()
    soon = session.scalars(
        select(Gathering).where(
            Gathering.status == GatheringStatus.PUBLISHED,
            Gathering.starts_at > now,
            Gathering.starts_at <= now + timedelta(days=days),
        )
    )
    return sum(
        _mark_once_and_tell(
            session,
            gathering,
            Invitation.status == InvitationStatus.SIGNED_UP,
            Invitation.reminded_at,
            now,
            "appreciation.event_reminder_due.v1",
            lambda i: links.invitation_page(i.id),
        )
        for gathering in list(soon)
    )


def ask_feedback(session: Session, links: Links, now: datetime | None = None) -> int:
    """Beat: after a gathering, those who came are asked for a mark and a comment, once."""
    now = now or utcnow()
    ended = session.scalars(
        select(Gathering).where(
            Gathering.status == GatheringStatus.PUBLISHED,
            Gathering.ends_at <= now,
            Gathering.ends_at > now - timedelta(days=FEEDBACK_DAYS),
        )
    )
    return sum(
        _mark_once_and_tell(
            session,
            gathering,
            Invitation.checked_in_at.is_not(None),
            Invitation.feedback_asked_at,
            now,
            "appreciation.feedback_requested.v1",
            lambda i: links.feedback_page(i.id),
        )
        for gathering in list(ended)
    )


def _mark_once_and_tell(
    session: Session,
    gathering: Gathering,
    who,
    marker,
    now: datetime,
    event_type: str,
    url: Callable[[Invitation], str],
) -> int:
    """Mark `who` of this gathering's invitations whose `marker` is still empty, and tell exactly
    those."""
    marked = session.scalars(
        update(Invitation)
        .where(Invitation.event_id == gathering.id, who, marker.is_(None))
        .values({marker: now})
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not marked:
        return 0
    people = list(session.scalars(select(Invitation).where(Invitation.id.in_(marked))))
    return tell(session, gathering, event_type, people, url)


def give_feedback(session: Session, invitation_id: str, mark: int, comment: str) -> Invitation:
    """One who came gives a mark from 1 to 10 and a comment."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound("no such invitation")
    rules.ensure_may_give_feedback(invitation.checked_in_at)
    session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id)
        .values(feedback_mark=mark, feedback_comment=comment)
        .execution_options(synchronize_session="fetch")
    )
    return invitation


def calendar_entries(session: Session, holder_id: str, link_version: int, links: Links) -> list[ical.Entry]:
    """A person's calendar feed: the published gatherings they signed up for. NotFound for an
    unknown person or a link of a reissued pass."""
    holder = session.get(PassHolder, holder_id)
    if holder is None or holder.link_version != link_version:
        raise NotFound("no such calendar")
    signed_up = session.scalars(
        select(Invitation).where(
            Invitation.holder_id == holder_id, Invitation.status == InvitationStatus.SIGNED_UP
        )
    )
    return [
        ical.Entry(g.id, g.starts_at, g.ends_at, g.title, g.venue, links.invitation_page(i.id))
        for i, g in ((i, i.gathering) for i in signed_up)
        if g.status == GatheringStatus.PUBLISHED
    ]
