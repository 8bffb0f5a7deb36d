"""What recruitment holds about an address, for a person's access request, and its erasure.

Rows that the network's figures count (responses, students and their hours) are anonymised, not
deleted: the counts stay, the person goes. Retention (`usecases.retention`) erases with the same
functions as a person's request, so a response or student is anonymised the same way either way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.models import (
    AlertSubscription,
    AuditEntry,
    EducationPartner,
    HoursEntry,
    Organisation,
    Response,
    Student,
    Vacancy,
)
from services.recruitment.usecases.common import network_of, outbox, recipient
from shared.privacy import placeholder_address, scrub_audit


def _of(model, address: str, network_id: str):
    return select(model).where(model.network_id == network_id, func.lower(model.email) == address)


# --- anonymising one record --------------------------------------------------------------------


def anonymise_response(response: Response) -> None:
    """The volunteer's details go; when, for which vacancy, and what came of it stay (the figures)."""
    response.name, response.email = "", placeholder_address(response.id)
    response.phone = response.motivation = response.availability = response.note = ""


def anonymise_student(student: Student, keep_credits: bool) -> None:
    """The student's details go. With `keep_credits` (signed off, within the education partner's
    period) the student number, placement, hours and sign-off stay, so the partner can still credit
    the placement; the hours' own words go either way."""
    student.name, student.email = "", placeholder_address(student.id)
    student.phone = student.availability = ""
    student.languages = []
    if not keep_credits:
        student.student_number = f"erased-{student.id.replace('-', '')}"  # within the column's 40
    _forget_in_allocation_report(student)


def _forget_in_allocation_report(student: Student) -> None:
    """The cohort's allocation report names the students it could not place."""
    report = student.cohort.allocation_report if student.cohort else None
    if not report or not report.get("unplaced"):
        return
    unplaced = [{**u, "name": ""} if u.get("student_id") == student.id else u for u in report["unplaced"]]
    student.cohort.allocation_report = {**report, "unplaced": unplaced}


def anonymise_hours(session: Session, student: Student) -> int:
    """The words of a student's hours go (they may name the people visited); days and hours stay."""
    entries = list(session.scalars(select(HoursEntry).where(HoursEntry.student_id == student.id)))
    for entry in entries:
        entry.activity = entry.note = ""
    return len(entries)


# --- a person's request ------------------------------------------------------------------------


def collect(session: Session, network_id: str, address: str) -> dict[str, list[dict]]:
    """Everything recruitment holds about `address` in the network, as plain JSON records."""
    responses = session.scalars(_of(Response, address, network_id).order_by(Response.created_at))
    alerts = session.scalars(
        _of(AlertSubscription, address, network_id).order_by(AlertSubscription.created_at)
    )
    students = session.scalars(_of(Student, address, network_id).order_by(Student.registered_at))
    contacts = [
        *session.scalars(_contact(Organisation, address, network_id)),
        *session.scalars(_contact(EducationPartner, address, network_id)),
    ]
    vacancies = session.scalars(
        select(Vacancy).where(Vacancy.network_id == network_id, func.lower(Vacancy.contact_email) == address)
    )
    return {
        "responses": [_response(r) for r in responses],
        "alerts": [_alert(a) for a in alerts],
        "students": [_student(session, s) for s in students],
        "contact_for": [_contact_record(c) for c in contacts],
        "vacancy_contact_for": [
            {"vacancy": v.title, "name": v.contact_name, "phone": v.contact_phone} for v in vacancies
        ],
    }


def erase(session: Session, network_id: str, address: str, now: datetime) -> dict[str, int]:
    """Erase or anonymise what recruitment holds about `address` (an alert ends); the publishers of
    each withdrawn response are told. Contacts of members and partners stay: the organisation changes
    its contact. Returns how many of each kind."""
    counts = {"responses": 0, "alerts": 0, "students": 0, "hours entries": 0}
    names: set[str] = set()
    for response in session.scalars(_of(Response, address, network_id)):
        names.add(response.name)
        _withdraw(session, response)
        counts["responses"] += 1
    for alert in session.scalars(_of(AlertSubscription, address, network_id)):
        # Anonymised and ended, not deleted: the privacy statement counts the consents it got.
        alert.email, alert.unsubscribed_at = placeholder_address(alert.id), alert.unsubscribed_at or now
        counts["alerts"] += 1
    for student in session.scalars(_of(Student, address, network_id)):
        names.add(student.name)
        counts["hours entries"] += anonymise_hours(session, student)
        anonymise_student(student, keep_credits=student.signed_off_at is not None)
        counts["students"] += 1
    counts["audit searches"] = scrub_audit(session, AuditEntry, network_id, address, tuple(names))
    session.flush()
    return counts


def _withdraw(session: Session, response: Response) -> None:
    vacancy = response.vacancy
    outbox.add(
        session,
        "recruitment.response_withdrawn.v1",
        response.network_id,
        {
            "response_id": response.id,
            "vacancy_id": vacancy.id,
            "title": vacancy.title,
            "network_name": network_of(session, response.network_id).name,
            "publishers": [recipient(o) for o in domain.publishers(vacancy)],
            "responded_on": response.created_at.date(),
        },
    )
    anonymise_response(response)


# --- records as the person reads them --------------------------------------------------------------


def _contact(model, address: str, network_id: str):
    return select(model).where(model.network_id == network_id, func.lower(model.contact_email) == address)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _response(r: Response) -> dict:
    return {
        "vacancy": r.vacancy.title,
        "name": r.name,
        "email": r.email,
        "phone": r.phone,
        "motivation": r.motivation,
        "availability": r.availability,
        "language": r.language,
        "status": r.status,
        "consent_at": _iso(r.consent_at),
        "responded_at": _iso(r.created_at),
    }


def _alert(a: AlertSubscription) -> dict:
    return {
        "search": a.criteria,
        "frequency": a.frequency,
        "language": a.language,
        "created_at": _iso(a.created_at),
        "confirmed_at": _iso(a.confirmed_at),
        "unsubscribed_at": _iso(a.unsubscribed_at),
    }


def _student(session: Session, s: Student) -> dict:
    hours = session.scalars(select(HoursEntry).where(HoursEntry.student_id == s.id).order_by(HoursEntry.day))
    return {
        "cohort": s.cohort.name,
        "name": s.name,
        "email": s.email,
        "student_number": s.student_number,
        "phone": s.phone,
        "availability": s.availability,
        "languages": list(s.languages or []),
        "status": s.status,
        "placement": s.placement.title if s.placement else None,
        "registered_at": _iso(s.registered_at),
        "consent_at": _iso(s.consent_at),
        "signed_off_at": _iso(s.signed_off_at),
        "hours": [
            {
                "day": h.day.isoformat(),
                "hours": h.hours,
                "activity": h.activity,
                "status": h.status,
                "note": h.note,
            }
            for h in hours
        ],
    }


def _contact_record(c) -> dict:
    return {
        "organisation": getattr(c, "name", None) or getattr(c, "institution", ""),
        "contact_name": c.contact_name,
        "phone": getattr(c, "phone", ""),
    }
