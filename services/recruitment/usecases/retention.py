"""Retention (beat: `recruitment.apply_retention`): responses a year after their vacancy closed,
registrations never confirmed once their link lapsed, students a year after sign-off. Responses and
students are anonymised with the erasure's own functions (`usecases.privacy`), so the figures keep
counting them; what was never confirmed is deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.recruitment.domain import VacancyStatus
from services.recruitment.models import AlertSubscription, Response, Student, Vacancy
from services.recruitment.models.placements import StudentStatus
from services.recruitment.usecases import privacy
from shared.db import Database
from shared.privacy import ERASED_ADDRESSES
from shared.retention import cutoff, in_batches


@dataclass(frozen=True)
class Periods:
    """Days each rule waits (0: the rule is off); from the settings `KNOOP_RETAIN_*`."""

    responses_days: int
    unconfirmed_days: int
    students_days: int

    @classmethod
    def of(cls, settings) -> Periods:
        return cls(
            settings.retain_responses_days, settings.retain_unconfirmed_days, settings.retain_students_days
        )


def apply(db: Database, now: datetime, periods: Periods) -> dict[str, int]:
    """Every rule once, in batches; how many records each touched."""
    done = {"responses": 0, "unconfirmed students": 0, "unconfirmed alerts": 0, "students": 0}
    if cut := cutoff(now, periods.responses_days):
        done["responses"] = in_batches(
            db, lambda session, batch, after: anonymise_responses(session, cut, batch, after)
        )
    if cut := cutoff(now, periods.unconfirmed_days):
        done["unconfirmed students"] = in_batches(
            db, lambda s, batch, after: delete_unconfirmed_students(s, cut, batch, after)
        )
        with db.transaction() as session:
            done["unconfirmed alerts"] = delete_unconfirmed_alerts(session, cut)
    if cut := cutoff(now, periods.students_days):
        done["students"] = in_batches(
            db, lambda session, batch, after: anonymise_students(session, cut, batch, after)
        )
    return done


def anonymise_responses(
    session: Session, closed_before: datetime, batch: int, after: str | None
) -> list[str]:
    """Responses to vacancies that ended (filled, closed, expired) before `closed_before`."""
    due = session.scalars(
        select(Response)
        .join(Vacancy, Vacancy.id == Response.vacancy_id)
        .where(
            Response.id > (after or ""),
            Vacancy.status.in_(VacancyStatus.ENDED),
            Vacancy.closed_at < closed_before,
            Response.email.not_like(ERASED_ADDRESSES),
        )
        .order_by(Response.id)
        .limit(batch)
    ).all()
    for response in due:
        privacy.anonymise_response(response)
    return [response.id for response in due]


def delete_unconfirmed_students(
    session: Session, registered_before: datetime, batch: int, after: str | None
) -> list[str]:
    """Students who registered themselves before `registered_before` and never confirmed their
    address. Imported students stay: they are on their education partner's list, which invites them."""
    due = session.scalars(
        select(Student)
        .where(
            Student.id > (after or ""),
            Student.status == StudentStatus.UNVERIFIED,
            Student.verified_at.is_(None),
            Student.imported.is_(False),
            Student.registered_at < registered_before,
        )
        .order_by(Student.id)
        .limit(batch)
    ).all()
    for student in due:
        session.delete(student)  # its preferences go with it (cascade)
    return [student.id for student in due]


def delete_unconfirmed_alerts(session: Session, created_before: datetime) -> int:
    """Alert subscriptions never confirmed (double opt-in) whose confirmation link has lapsed."""
    gone = session.execute(
        delete(AlertSubscription).where(
            AlertSubscription.confirmed_at.is_(None), AlertSubscription.created_at < created_before
        )
    )
    return gone.rowcount or 0


def anonymise_students(
    session: Session, signed_off_before: datetime, batch: int, after: str | None
) -> list[str]:
    """Students signed off before `signed_off_before`: the education partner has had its year to
    export the hours for the credits, so the student number goes too (`keep_credits=False`)."""
    due = session.scalars(
        select(Student)
        .where(
            Student.id > (after or ""),
            Student.signed_off_at < signed_off_before,
            Student.student_number.not_like("erased-%"),
        )
        .order_by(Student.id)
        .limit(batch)
    ).all()
    for student in due:
        privacy.anonymise_hours(session, student)
        privacy.anonymise_student(student, keep_credits=False)
    return [student.id for student in due]
