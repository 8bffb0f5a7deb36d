"""Education partners and their cohorts: agreements, registration links, placements offered by
members, meet-and-greet slots, and what a partner sees of its own students."""

from __future__ import annotations

import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.models import (
    Cohort,
    EducationPartner,
    HoursEntry,
    MeetSession,
    MeetSignup,
    Organisation,
    Placement,
    Student,
)
from services.recruitment.models.placements import StudentStatus
from services.recruitment.usecases.common import Conflict, NotFound, UnknownReference, audit, get, locked
from services.recruitment.usecases.registry import Created, _issue_token
from shared.db import utcnow
from shared.identity import Principal, Role

# --- partners --------------------------------------------------------------------------------


def add_partner(session: Session, network_id: str, fields: dict) -> Created:
    """The coordinator records an agreement with a study programme; the partner gets a token."""
    partner = EducationPartner(network_id=network_id, **fields)
    session.add(partner)
    session.flush()
    token = _issue_token(
        session,
        name=f"education partner {partner.institution}, {partner.programme}",
        role=Role.EDUCATION_PARTNER,
        network_id=network_id,
        partner_id=partner.id,
    )
    return Created(partner, token)


def update_partner(session: Session, partner_id: str, changes: dict) -> EducationPartner:
    """The coordinator edits a partner: contact, or the agreement's period (end it by its date)."""
    found = partner(session, partner_id)
    for name, value in changes.items():
        setattr(found, name, value)
    starts, ends = found.agreement_starts, found.agreement_ends
    if starts and ends and ends < starts:  # judged on the stored period too: one date may change alone
        raise UnknownReference("agreement_ends", "The agreement cannot end before it starts.")
    return found


def partner(session: Session, partner_id: str) -> EducationPartner:
    found = session.get(EducationPartner, partner_id)
    if found is None:
        raise NotFound("no such education partner")
    return found


def partners(session: Session) -> list[EducationPartner]:
    return list(session.scalars(select(EducationPartner).order_by(EducationPartner.institution)))


# --- cohorts ---------------------------------------------------------------------------------


def _new_short_code() -> str:
    """Eight characters from an unambiguous alphabet (~40 bits), shown as XXXX-XXXX."""
    raw = "".join(secrets.choice(domain.SHORT_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _new_link(cohort: Cohort) -> None:
    cohort.registration_token = secrets.token_urlsafe(32)  # 256 bits: the link cannot be guessed
    cohort.short_code = _new_short_code()


def create_cohort(session: Session, principal: Principal, fields: dict) -> Cohort:
    """The coordinator (for any partner) or a partner (for itself) opens a cohort."""
    partner_id = fields["partner_id"] if principal.role == Role.COORDINATOR else principal.partner_id
    if principal.role == Role.COORDINATOR and (
        partner_id is None or not session.get(EducationPartner, partner_id)
    ):
        raise UnknownReference("partner_id", "the network has no such education partner")
    if fields["closes_at"] <= fields["opens_at"]:
        raise UnknownReference("closes_at", "the registration period must end after it starts")
    cohort = Cohort(**{**fields, "partner_id": partner_id})
    _new_link(cohort)
    session.add(cohort)
    session.flush()
    return cohort


def cohort_for(session: Session, principal: Principal, cohort_id: str) -> Cohort:
    cohort = get(session, Cohort, cohort_id, "cohort")
    if principal.role == Role.EDUCATION_PARTNER and cohort.partner_id != principal.partner_id:
        raise NotFound("no such cohort")  # another partner's cohort does not exist for this caller
    if principal.role not in (Role.COORDINATOR, Role.EDUCATION_PARTNER, Role.ORGANISATION):
        raise domain.NotAllowed("your role may not see cohorts")
    return cohort


def cohorts(session: Session, principal: Principal) -> list[Cohort]:
    query = select(Cohort).order_by(Cohort.opens_at.desc())
    if principal.role == Role.EDUCATION_PARTNER:
        query = query.where(Cohort.partner_id == principal.partner_id)
    return list(session.scalars(query))


def rotate_link(session: Session, principal: Principal, cohort_id: str) -> Cohort:
    """A leaked link stops working at once; students already registered keep their registration."""
    cohort = cohort_for(session, principal, cohort_id)
    domain.ensure_partner_or_coordinator(principal, cohort)
    _new_link(cohort)
    return cohort


def set_registration(session: Session, principal: Principal, cohort_id: str, is_open: bool) -> Cohort:
    cohort = cohort_for(session, principal, cohort_id)
    domain.ensure_partner_or_coordinator(principal, cohort)
    cohort.registration_closed_at = None if is_open else (cohort.registration_closed_at or utcnow())
    return cohort


def cohort_by_link(session: Session, token_or_code: str) -> Cohort:
    """The cohort behind a registration link or a typed short code (any case, with or without dash)."""
    code = token_or_code.strip()
    cohort = session.scalar(select(Cohort).where(Cohort.registration_token == code))
    if cohort is None:
        typed = code.upper().replace("-", "").replace(" ", "")
        if len(typed) == 8:
            cohort = session.scalar(select(Cohort).where(Cohort.short_code == f"{typed[:4]}-{typed[4:]}"))
    if cohort is None:
        raise NotFound("no cohort has this registration link or code")
    return cohort


HOLDING = (StudentStatus.ASSIGNED, StudentStatus.CONFIRMED, StudentStatus.SIGNED_OFF)

# --- placements ------------------------------------------------------------------------------


def offer_placement(session: Session, principal: Principal, cohort_id: str, fields: dict) -> Placement:
    """A member offers places to a cohort's students (the coordinator may do so on its behalf)."""
    cohort = get(session, Cohort, cohort_id, "cohort")
    domain.ensure_allocation_open(cohort)
    if principal.role == Role.ORGANISATION:
        organisation_id = principal.organisation_id
    else:
        domain.ensure_coordinator(principal, cohort.network_id)
        organisation_id = fields.get("organisation_id")
        member = session.get(Organisation, organisation_id) if organisation_id else None
        if member is None or member.removed_at is not None:
            raise UnknownReference("organisation_id", "the network has no such member organisation")
    fields = {k: v for k, v in fields.items() if k != "organisation_id"}
    placement = Placement(cohort_id=cohort.id, organisation_id=organisation_id, **fields)
    session.add(placement)
    session.flush()
    session.refresh(placement)  # loads the organisation, which the answer names
    return placement


def update_placement(session: Session, principal: Principal, placement_id: str, changes: dict) -> Placement:
    placement = locked(session, Placement, placement_id)
    if placement is None:
        raise NotFound("no such placement")
    domain.ensure_placement_owner(principal, placement)
    domain.ensure_allocation_open(placement.cohort)
    if "capacity" in changes:
        held = taken_seats(session, placement.cohort_id).get(placement.id, 0)
        if changes["capacity"] < held:
            raise Conflict(
                f"{held} students hold or are proposed this placement: capacity cannot go below that"
            )
    for name, value in changes.items():
        setattr(placement, name, value)
    return placement


def taken_seats(session: Session, cohort_id: str, except_student: str | None = None) -> dict[str, int]:
    """Seats per placement held by published students plus those proposed to students in the pool."""
    taken: dict[str, int] = {}
    rows = session.execute(
        select(Student.id, Student.status, Student.placement_id, Student.proposed_placement_id).where(
            Student.cohort_id == cohort_id
        )
    )
    for student_id, status, placement_id, proposed in rows:
        if student_id == except_student:
            continue
        seat = placement_id if status in HOLDING else proposed if status == StudentStatus.REGISTERED else None
        if seat:
            taken[seat] = taken.get(seat, 0) + 1
    return taken


def placements_of_cohort(session: Session, cohort_id: str) -> list[Placement]:
    return list(
        session.scalars(
            select(Placement).where(Placement.cohort_id == cohort_id).order_by(Placement.title, Placement.id)
        )
    )


def placements_of_member(session: Session, principal: Principal) -> list[Placement]:
    return list(
        session.scalars(
            select(Placement)
            .where(Placement.organisation_id == principal.organisation_id)
            .order_by(Placement.created_at.desc())
        )
    )


# --- meet-and-greet --------------------------------------------------------------------------


def add_meet_session(session: Session, principal: Principal, cohort_id: str, fields: dict) -> MeetSession:
    cohort = cohort_for(session, principal, cohort_id)
    domain.ensure_partner_or_coordinator(principal, cohort)
    if fields["ends_at"] <= fields["starts_at"]:
        raise UnknownReference("ends_at", "a session must end after it starts")
    meet = MeetSession(cohort_id=cohort.id, **fields)
    session.add(meet)
    session.flush()
    return meet


def meet_sessions(session: Session, cohort_id: str) -> list[MeetSession]:
    return list(
        session.scalars(
            select(MeetSession).where(MeetSession.cohort_id == cohort_id).order_by(MeetSession.starts_at)
        )
    )


class SessionFull(Conflict):
    """Every seat of the meet-and-greet slot is taken."""


def sign_up_for_meeting(session: Session, student: Student, meet_id: str) -> MeetSession:
    """One seat per student per slot; the capacity check and the count are one UPDATE, race-free."""
    meet = get(session, MeetSession, meet_id, "meet-and-greet session")
    if meet.cohort_id != student.cohort_id:
        raise NotFound("no such meet-and-greet session")
    if session.get(MeetSignup, (meet.id, student.id)) is not None:
        return meet
    taken = session.execute(
        update(MeetSession)
        .where(MeetSession.id == meet.id, MeetSession.taken < MeetSession.capacity)
        .values(taken=MeetSession.taken + 1)
    ).rowcount
    if not taken:
        raise SessionFull("this session is full")
    session.add(MeetSignup(session_id=meet.id, student_id=student.id))
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("you are signed up for this session already") from None
    session.refresh(meet)
    return meet


def cancel_meeting(session: Session, student: Student, meet_id: str) -> None:
    removed = session.execute(
        delete(MeetSignup).where(MeetSignup.session_id == meet_id, MeetSignup.student_id == student.id)
    ).rowcount
    if removed:  # two cancels at once give back one seat
        session.execute(
            update(MeetSession).where(MeetSession.id == meet_id).values(taken=MeetSession.taken - 1)
        )


def my_meetings(session: Session, student: Student) -> set[str]:
    return set(session.scalars(select(MeetSignup.session_id).where(MeetSignup.student_id == student.id)))


# --- what a partner sees ---------------------------------------------------------------------


def students_of(session: Session, principal: Principal, cohort_id: str | None = None) -> list[dict]:
    """The caller's students with status and hours: a partner sees only its own cohorts' students."""
    query = select(Student).join(Cohort, Cohort.id == Student.cohort_id).order_by(Cohort.name, Student.name)
    if principal.role == Role.EDUCATION_PARTNER:
        query = query.where(Cohort.partner_id == principal.partner_id)
    elif principal.role != Role.COORDINATOR:
        raise domain.NotAllowed("only education partners and the coordinator see students")
    if cohort_id:
        query = query.where(Student.cohort_id == cohort_id)
    students = list(session.scalars(query))
    hours = _hours_by_student(session, [s.id for s in students])
    return [
        {
            "student": s,
            "logged_hours": hours.get(s.id, (0.0, 0.0))[0],
            "approved_hours": hours.get(s.id, (0.0, 0.0))[1],
        }
        for s in students
    ]


def export_students(
    session: Session, principal: Principal, cohort_id: str | None = None, action: str = "students.csv"
) -> list[dict]:
    """`students_of` as it leaves Knoop (the CSV, the API's list), recorded in the audit trail."""
    rows = students_of(session, principal, cohort_id)
    audit.record(session, principal, action, cohort_id or "", len(rows))
    return rows


def _hours_by_student(session: Session, student_ids: list[str]) -> dict[str, tuple[float, float]]:
    """(logged, approved) hours per student, in one query per 500 students."""
    totals: dict[str, list[float]] = {}
    for start in range(0, len(student_ids), 500):
        chunk = student_ids[start : start + 500]
        for entry in session.scalars(select(HoursEntry).where(HoursEntry.student_id.in_(chunk))):
            logged, approved = totals.setdefault(entry.student_id, [0.0, 0.0])
            totals[entry.student_id][0] = logged + entry.hours
            totals[entry.student_id][1] = approved + domain.counted_hours([entry])
    return {k: (v[0], v[1]) for k, v in totals.items()}
