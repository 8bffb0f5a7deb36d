"""A gathering's seats and waiting-list numbers, each changed by one conditional UPDATE of its row."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from services.appreciation.models import Gathering


def take_seats(session: Session, gathering_id: str, seats: int) -> bool:
    """Hold `seats` seats if they still fit: `taken + seats <= capacity`, decided by the database."""
    return bool(
        session.execute(
            update(Gathering)
            .where(Gathering.id == gathering_id, Gathering.taken + seats <= Gathering.capacity)
            .values(taken=Gathering.taken + seats)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def release_seats(session: Session, gathering_id: str, seats: int) -> None:
    """Give held seats back."""
    session.execute(
        update(Gathering)
        .where(Gathering.id == gathering_id)
        .values(taken=Gathering.taken - seats)
        .execution_options(synchronize_session=False)
    )


def take_waiting_number(session: Session, gathering_id: str) -> int:
    """The next number on the waiting list: one UPDATE … RETURNING, so two people never share one."""
    return session.execute(
        update(Gathering)
        .where(Gathering.id == gathering_id)
        .values(waiting_seq=Gathering.waiting_seq + 1)
        .returning(Gathering.waiting_seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def set_places(session: Session, gathering_id: str, capacity: int) -> bool:
    """Set the gathering's places if the seats held still fit: decided by the database, so a
    sign-up at the same moment cannot end up beyond the new number."""
    return bool(
        session.execute(
            update(Gathering)
            .where(Gathering.id == gathering_id, Gathering.taken <= capacity)
            .values(capacity=capacity)
            .execution_options(synchronize_session="fetch")
        ).rowcount
    )
