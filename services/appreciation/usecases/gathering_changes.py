"""An organiser changes a gathering: every field while it is a draft; once published, all but its
audience and questions. Everyone coming hears of a new time or venue; places added go to the
waiting list in its order; places never go below those taken."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from services.appreciation.domain import gatherings as rules
from services.appreciation.domain.errors import FieldRefused
from services.appreciation.domain.gatherings import GatheringStatus, InvitationStatus
from services.appreciation.links import Links
from services.appreciation.models import Gathering, Invitation
from services.appreciation.usecases.gatherings import invitations_in, organised, tell
from services.appreciation.usecases.invitations import offer_freed_places
from services.appreciation.usecases.seats import set_places
from shared.identity import Principal


def change(
    session: Session, principal: Principal, gathering_id: str, changes: dict, links: Links
) -> Gathering:
    """Apply `changes` (any of the event's fields) in one transaction, or refuse them all."""
    gathering = organised(session, principal, gathering_id)
    # A member's event stays for its own volunteers, whatever the changes say.
    changes = rules.organised_by(gathering.organiser_id, changes)
    rules.ensure_may_change(gathering, changes)
    places = changes.pop("capacity", gathering.capacity)
    previous_start, previous_venue = gathering.starts_at, gathering.venue
    for name, value in changes.items():
        setattr(gathering, name, value)
    rules.ensure_times(gathering)
    rules.ensure_audience(gathering)
    session.flush()
    if places != gathering.capacity:
        _set_places(session, gathering, places, links)
    if gathering.status == GatheringStatus.PUBLISHED and (
        gathering.starts_at != previous_start or gathering.venue != previous_venue
    ):
        _tell_moved(session, gathering, previous_start.isoformat(), previous_venue, links)
    return gathering


def _set_places(session: Session, gathering: Gathering, places: int, links: Links) -> None:
    rules.ensure_places(gathering, places)  # the reason, for the form; the database decides
    if not set_places(session, gathering.id, places):
        raise FieldRefused("capacity", "More places are taken than that.")
    offer_freed_places(session, gathering.id, links)


def _tell_moved(
    session: Session, gathering: Gathering, previous_start: str, previous_venue: str, links: Links
) -> None:
    coming = invitations_in(session, gathering.id, *InvitationStatus.COMING)
    if coming:
        tell(
            session,
            gathering,
            "appreciation.event_changed.v1",
            coming,
            lambda i: links.invitation_page(i.id),
            previous_starts_at=previous_start,
            previous_venue=previous_venue,
        )
    # A reminder already sent named the old time: the new one deserves its own.
    session.execute(update(Invitation).where(Invitation.event_id == gathering.id).values(reminded_at=None))
