"""An education partner running its cohorts: changing a cohort, changing or cancelling a
meet-and-greet slot (its sign-ups are told), and inviting imported students with their own link."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.links import Links
from services.recruitment.models import Cohort, MeetSession, MeetSignup, Student, StudentPreference
from services.recruitment.models.placements import StudentStatus
from services.recruitment.usecases import consents
from services.recruitment.usecases import students as students_uc
from services.recruitment.usecases.common import (
    Conflict,
    NotFound,
    UnknownReference,
    get,
    locked,
    network_of,
    outbox,
)
from services.recruitment.usecases.education import cohort_for
from services.recruitment.usecases.students import _valid_preferences, student_recipient
from shared.db import utcnow
from shared.identity import Principal, Role

# --- cohorts ---------------------------------------------------------------------------------


def update_cohort(session: Session, principal: Principal, cohort_id: str, changes: dict) -> Cohort:
    """Change a cohort's name, kind, hours, number of choices or registration window. Its partner or
    the coordinator; the link and code stay the same."""
    cohort = cohort_for(session, principal, cohort_id)
    domain.ensure_partner_or_coordinator(principal, cohort)
    changes = {k: v for k, v in changes.items() if k != "partner_id"}  # a cohort keeps its partner
    opens, closes = changes.get("opens_at", cohort.opens_at), changes.get("closes_at", cohort.closes_at)
    if closes <= opens:
        raise UnknownReference("closes_at", "the registration period must end after it starts")
    for name, value in changes.items():
        setattr(cohort, name, value)
    return cohort


# --- meet-and-greet --------------------------------------------------------------------------


def _own_meet(session: Session, principal: Principal, meet_id: str, lock: bool = False) -> MeetSession:
    meet = locked(session, MeetSession, meet_id) if lock else session.get(MeetSession, meet_id)
    if meet is None:
        raise NotFound("no such meet-and-greet session")
    cohort = cohort_for(session, principal, meet.cohort_id)
    domain.ensure_partner_or_coordinator(principal, cohort)
    return meet


def meet_session_for(session: Session, principal: Principal, meet_id: str) -> MeetSession:
    """One meet-and-greet slot of the caller's own cohorts."""
    return _own_meet(session, principal, meet_id)


def update_meet_session(session: Session, principal: Principal, meet_id: str, changes: dict) -> MeetSession:
    """Change a slot's time, place or seats; the seats cannot drop below those taken."""
    meet = _own_meet(session, principal, meet_id, lock=True)
    starts, ends = changes.get("starts_at", meet.starts_at), changes.get("ends_at", meet.ends_at)
    if ends <= starts:
        raise UnknownReference("ends_at", "a session must end after it starts")
    if changes.get("capacity", meet.capacity) < meet.taken:
        raise UnknownReference("capacity", "more students signed up already than this number of places")
    for name, value in changes.items():
        setattr(meet, name, value)
    return meet


def cancel_meet_session(session: Session, principal: Principal, meet_id: str, links: Links) -> int:
    """Cancel a slot: it goes, and every student signed up is told by e-mail. Returns how many."""
    meet = _own_meet(session, principal, meet_id, lock=True)
    cohort = session.get(Cohort, meet.cohort_id)
    signed_up = list(
        session.scalars(
            select(Student)
            .join(MeetSignup, MeetSignup.student_id == Student.id)
            .where(MeetSignup.session_id == meet.id)
            .order_by(Student.name)
        )
    )
    if signed_up:
        outbox.add(
            session,
            "recruitment.meet_session_cancelled.v1",
            cohort.network_id,
            {
                "session_id": meet.id,
                "cohort_id": cohort.id,
                "cohort_name": cohort.name,
                "partner_name": f"{cohort.partner.institution}, {cohort.partner.programme}",
                "network_name": network_of(session, cohort.network_id).name,
                "starts_at": meet.starts_at.isoformat(),
                "ends_at": meet.ends_at.isoformat(),
                "place": meet.place,
                "students": [student_recipient(s) for s in signed_up],
                "student_url": links.url("/student"),
            },
        )
    session.execute(delete(MeetSignup).where(MeetSignup.session_id == meet.id))
    session.delete(meet)
    session.flush()
    return len(signed_up)


# --- inviting imported students --------------------------------------------------------------


def unconfirmed(session: Session, principal: Principal, cohort_id: str) -> list[Student]:
    """The cohort's students who have not confirmed their address: the allocation leaves them out."""
    cohort = cohort_for(session, principal, cohort_id)
    domain.ensure_partner_or_coordinator(principal, cohort)
    return list(
        session.scalars(
            select(Student)
            .where(Student.cohort_id == cohort.id, Student.status == StudentStatus.UNVERIFIED)
            .order_by(Student.name, Student.id)
        )
    )


def invite(
    session: Session, principal: Principal, cohort_id: str, links: Links, student_id: str | None = None
) -> int:
    """Send unconfirmed students (one, or all of the cohort) their personal link: it confirms the
    address and lets them rank placements, after which the allocation includes them."""
    students = unconfirmed(session, principal, cohort_id)
    if student_id is not None:
        students = [s for s in students if s.id == student_id]
        if not students:
            raise NotFound("no unconfirmed student with this id in this cohort")
    if students:
        cohort = session.get(Cohort, cohort_id)
        network_name = network_of(session, cohort.network_id).name
        for student in students:
            invite_one(session, cohort, student, links, network_name)
    return len(students)


def invite_one(session: Session, cohort: Cohort, student: Student, links: Links, network_name: str) -> None:
    """One student's invitation with a link signed for them alone (single use, a week valid)."""
    identity = {"role": Role.STUDENT, "network_id": cohort.network_id, "person_id": student.id}
    outbox.add(
        session,
        "recruitment.student_invited.v1",
        cohort.network_id,
        {
            "student_id": student.id,
            "cohort_id": cohort.id,
            "cohort_name": cohort.name,
            "partner_id": cohort.partner_id,
            "partner_name": f"{cohort.partner.institution}, {cohort.partner.programme}",
            "network_name": network_name,
            "student": student_recipient(student),
            "invitation_url": links.student_invitation(identity),
        },
    )


def invited_student(session: Session, student_id: str) -> Student:
    """The student an invitation link was signed for."""
    return get(session, Student, student_id, "registration")


def accept_invitation(
    session: Session, student_id: str, preferences: list[str], consent_version: object = None
) -> Student:
    """The student opened their invitation: the address is confirmed, their ranked placements and
    consent recorded, and they join the allocation's pool."""
    student = locked(session, Student, student_id)
    if student is None:
        raise NotFound("no such registration")
    if student.status not in (StudentStatus.UNVERIFIED, StudentStatus.REGISTERED):
        raise Conflict("you already have a placement in this group")
    cohort = session.get(Cohort, student.cohort_id)
    closed = domain.registration_closed_reason(cohort, utcnow())
    if closed:  # the same window as registering through the group's link
        raise students_uc.RegistrationClosed(closed)
    chosen = _valid_preferences(session, cohort, preferences)
    student.preferences = []
    session.flush()  # the old ranks go before the new ones take their numbers
    student.preferences = [StudentPreference(rank=n, placement_id=p) for n, p in enumerate(chosen, 1)]
    now = utcnow()
    student.consent_at, student.verified_at = now, student.verified_at or now
    student.consent_version = consents.version_to_record(session, student.network_id, consent_version)
    student.status = StudentStatus.REGISTERED
    student.proposed_placement_id, student.choice, student.unplaced_reason = None, None, ""
    return student


def import_and_invite(
    session: Session, principal: Principal, cohort_id: str, rows, links: Links
) -> students_uc.ImportReport:
    """Pre-register students from CSV and send each newly imported one their personal link, so
    nobody stays unconfirmed (and out of the allocation) without having heard of it."""
    report = students_uc.import_students(session, principal, cohort_id, rows)
    new = {r.email for r in report.rows if r.outcome == "imported"}
    if new:
        session.flush()
        cohort = session.get(Cohort, cohort_id)
        network_name = network_of(session, cohort.network_id).name
        query = select(Student).where(Student.cohort_id == cohort.id, Student.email.in_(new))
        for student in session.scalars(query.order_by(Student.name)):
            invite_one(session, cohort, student, links, network_name)
    return report
