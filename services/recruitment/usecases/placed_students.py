"""The organisation confirms or declines the students placed with it, reviews their hours and signs off."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.links import Links
from services.recruitment.models import HoursEntry, Placement, Student
from services.recruitment.models.placements import StudentStatus
from services.recruitment.usecases.common import NotFound, get, locked, network_of, outbox
from services.recruitment.usecases.education import HOLDING
from services.recruitment.usecases.students import hours_of, student_recipient
from shared.db import utcnow
from shared.identity import Principal


def student_at_own_placement(
    session: Session, principal: Principal, student_id: str, lock: bool = False
) -> Student:
    """The student if at one of the caller's placements (404 otherwise); `lock` holds the row until
    commit, so hours logged or reviewed and a sign-off never cross."""
    student = locked(session, Student, student_id) if lock else session.get(Student, student_id)
    if student is None or student.placement is None:
        raise NotFound("no such student at your placements")
    try:
        domain.ensure_placement_owner(principal, student.placement)
    except domain.NotAllowed:
        raise NotFound("no such student at your placements") from None
    return student


def students_at(session: Session, principal: Principal) -> list[Student]:
    """The students assigned to the caller's placements."""
    return list(
        session.scalars(
            select(Student)
            .join(Placement, Placement.id == Student.placement_id)
            .where(Placement.organisation_id == principal.organisation_id, Student.status.in_(HOLDING))
            .order_by(Student.name)
        )
    )


def confirm(session: Session, principal: Principal, student_id: str, links: Links) -> Student:
    """The organisation takes the student: the placement is confirmed and the student told."""
    student = student_at_own_placement(session, principal, student_id)
    _step_from_assigned(session, student, "confirmed", status=StudentStatus.CONFIRMED)
    placement, cohort = student.placement, student.cohort
    outbox.add(
        session,
        "recruitment.placement_confirmed.v1",
        student.network_id,
        {
            "student_id": student.id,
            "placement_id": placement.id,
            "cohort_id": cohort.id,
            "partner_id": cohort.partner_id,
            "organisation_id": placement.organisation_id,
            "organisation_name": placement.organisation.name,
            "placement_title": placement.title,
            "network_name": network_of(session, student.network_id).name,
            "required_hours": cohort.required_hours,
            "student": student_recipient(student),
            "student_url": links.url("/student"),
        },
    )
    return student


def decline(session: Session, principal: Principal, student_id: str) -> Student:
    """The organisation cannot take this student: back to the pool, never proposed there again."""
    student = student_at_own_placement(session, principal, student_id)
    _step_from_assigned(
        session,
        student,
        "declined",
        status=StudentStatus.REGISTERED,
        placement_id=None,
        choice=None,
        declined_by=[*(student.declined_by or []), student.placement_id],
    )
    return student


def _step_from_assigned(session: Session, student: Student, step: str, **values) -> None:
    """Confirm or decline exactly once: conditional on the state read, so a double click, or a
    confirm and a decline at the same moment, cannot both happen (nor announce twice)."""
    changed = session.execute(
        update(Student)
        .where(
            Student.id == student.id,
            Student.status == StudentStatus.ASSIGNED,
            Student.placement_id == student.placement_id,
        )
        .values(**values)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not changed:
        raise domain.InvalidTransition(f"a placement that is {student.status} cannot be {step}")


def review_hours(
    session: Session, principal: Principal, entry_id: str, hours: float | None, note: str = ""
) -> HoursEntry:
    """Approve an entry as logged, or correct its number of hours (with a note the student sees)."""
    entry = get(session, HoursEntry, entry_id, "hours entry")
    student = student_at_own_placement(session, principal, entry.student_id, lock=True)
    if student.status == StudentStatus.SIGNED_OFF:
        raise domain.InvalidTransition("the placement has been signed off; its hours are final")
    corrected = hours is not None and hours != entry.hours
    entry.status = "corrected" if corrected else "approved"
    entry.approved_hours = hours if corrected else None
    entry.note = note
    entry.reviewed_at = utcnow()
    return entry


def sign_off(session: Session, principal: Principal, student_id: str, links: Links) -> Student:
    """The organisation signs the placement off once every entry is reviewed and the hours are met."""
    student = student_at_own_placement(session, principal, student_id, lock=True)
    if student.status != StudentStatus.CONFIRMED:
        raise domain.InvalidTransition(f"a placement that is {student.status} cannot be signed off")
    entries = hours_of(session, student.id)
    if any(e.status == "logged" for e in entries):
        raise domain.InvalidTransition("review every logged entry before signing off")
    total = domain.counted_hours(entries)
    if total < student.cohort.required_hours:
        raise domain.InvalidTransition(
            f"{total:g} of the required {student.cohort.required_hours} hours are approved"
        )
    # Conditional on the status, so two clicks at once sign off (and announce) once.
    changed = session.execute(
        update(Student)
        .where(Student.id == student.id, Student.status == StudentStatus.CONFIRMED)
        .values(status=StudentStatus.SIGNED_OFF, signed_off_at=utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not changed:
        raise domain.InvalidTransition("the placement has been signed off already")
    placement = student.placement
    outbox.add(
        session,
        "recruitment.placement_signed_off.v1",
        student.network_id,
        {
            "student_id": student.id,
            "placement_id": placement.id,
            "cohort_id": student.cohort_id,
            "partner_id": student.cohort.partner_id,
            "organisation_name": placement.organisation.name,
            "placement_title": placement.title,
            "network_name": network_of(session, student.network_id).name,
            "hours": total,
            "student": student_recipient(student),
            "statement_url": links.url("/student/verklaring"),
        },
    )
    return student
