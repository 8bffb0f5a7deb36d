"""Students: registering through a cohort's link, confirming the address, logging hours, and the
CSV pre-registration an education partner can do for a whole cohort."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.links import Links
from services.recruitment.models import Cohort, HoursEntry, Placement, Student, StudentPreference
from services.recruitment.models.placements import StudentStatus
from services.recruitment.usecases import consents
from services.recruitment.usecases.common import NotFound, UnknownReference, locked, network_of, outbox
from services.recruitment.usecases.education import cohort_for
from shared.db import utcnow
from shared.identity import Principal, Role
from shared.web.spreadsheet import CsvUnreadable, read_csv


class RegistrationClosed(domain.DomainError):
    """The cohort takes no registrations now."""


class AlreadyAllocated(domain.DomainError):
    """Preferences cannot change once the student has a placement."""


# --- registration ----------------------------------------------------------------------------


def _valid_preferences(session: Session, cohort: Cohort, placement_ids: list[str]) -> list[str]:
    if len(placement_ids) != len(set(placement_ids)):
        raise UnknownReference("preferences", "rank each placement only once")
    if len(placement_ids) > cohort.max_preferences:
        raise UnknownReference("preferences", f"rank at most {cohort.max_preferences} placements")
    known = set(
        session.scalars(
            select(Placement.id).where(Placement.cohort_id == cohort.id, Placement.id.in_(placement_ids))
        )
    )
    if unknown := [p for p in placement_ids if p not in known]:
        raise UnknownReference("preferences", f"not a placement of this group: {', '.join(unknown)}")
    return placement_ids


def register(session: Session, cohort: Cohort, fields: dict, links: Links) -> None:
    """Register a student; the e-mail asks them to confirm the address.

    Registering again with an address already registered changes nothing yet: the changes travel
    in the signed link of the e-mail to that address and apply when its owner opens it. So nobody
    who knows a classmate's address can rewrite their registration, and the answer is the same
    whether the address was known or not.
    """
    if reason := domain.registration_closed_reason(cohort, utcnow()):
        raise RegistrationClosed(reason)
    fields = {**fields, "email": fields["email"].strip().lower()}
    # The privacy text's version the form showed (else the current one); set by _apply, now or, for
    # a second registration, with its other changes when the address is confirmed.
    fields["consent_version"] = consents.version_to_record(
        session, cohort.network_id, fields.get("consent_version")
    )
    fields["preferences"] = _valid_preferences(session, cohort, fields.get("preferences", []))
    student = session.scalar(
        select(Student).where(Student.cohort_id == cohort.id, Student.email == fields["email"])
    )
    if student is not None:
        if student.status not in (StudentStatus.UNVERIFIED, StudentStatus.REGISTERED):
            raise AlreadyAllocated("you already have a placement in this group")
        _check_number_is_free(session, cohort, fields["student_number"], student.id)
        _ask_to_verify(session, cohort, student, links, changes=_jsonable(fields))
        return
    _check_number_is_free(session, cohort, fields["student_number"], None)
    student = Student(cohort_id=cohort.id, network_id=cohort.network_id)
    _apply(student, fields)
    try:
        with session.begin_nested():
            session.add(student)
    except IntegrityError:  # the same address or number registered this very moment
        raise UnknownReference(
            "email", "this address or student number was registered a moment ago"
        ) from None
    _ask_to_verify(session, cohort, student, links)


def _jsonable(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if k != "consent"}


def _apply(student: Student, fields: dict) -> None:
    for name, value in fields.items():
        if name != "preferences":
            setattr(student, name, value)
    student.consent_at = utcnow()
    student.preferences = [
        StudentPreference(rank=n, placement_id=p) for n, p in enumerate(fields.get("preferences", []), 1)
    ]


def _check_number_is_free(session: Session, cohort: Cohort, number: str, student_id: str | None) -> None:
    other = session.scalar(
        select(Student.id).where(Student.cohort_id == cohort.id, Student.student_number == number)
    )
    if other is not None and other != student_id:
        raise UnknownReference("student_number", "another student in this group has this student number")


def _ask_to_verify(
    session: Session, cohort: Cohort, student: Student, links: Links, changes: dict | None = None
) -> None:
    identity = {"role": Role.STUDENT, "network_id": cohort.network_id, "person_id": student.id}
    if changes:
        identity["changes"] = changes
    outbox.add(
        session,
        "recruitment.student_registered.v1",
        cohort.network_id,
        {
            "student_id": student.id,
            "cohort_id": cohort.id,
            "cohort_name": cohort.name,
            "partner_id": cohort.partner_id,
            "partner_name": f"{cohort.partner.institution}, {cohort.partner.programme}",
            "network_name": network_of(session, cohort.network_id).name,
            "student": {**student_recipient(student), **({"name": changes["name"]} if changes else {})},
            "verify_url": links.registration_verification(identity),
        },
    )


def student_recipient(student: Student) -> dict:
    return {"name": student.name, "email": student.email, "language": student.language}


def verify(session: Session, student_id: str, changes: dict | None = None) -> Student:
    """The student opened the confirmation link: the address is theirs; they join the pool. A link
    sent for a second registration carries its changes, applied now (and checked again)."""
    student = locked(session, Student, student_id)
    if student is None:
        raise NotFound("no such registration")
    if changes:
        if student.status not in (StudentStatus.UNVERIFIED, StudentStatus.REGISTERED):
            raise AlreadyAllocated("you already have a placement in this group")
        cohort = session.get(Cohort, student.cohort_id)
        _check_number_is_free(session, cohort, changes["student_number"], student.id)
        changes = {
            **changes,
            "preferences": _valid_preferences(session, cohort, changes.get("preferences", [])),
        }
        _apply(student, changes)
        # A proposal made for the old preferences no longer stands.
        student.proposed_placement_id, student.choice, student.unplaced_reason = None, None, ""
    if student.verified_at is None:
        student.verified_at = utcnow()
    if student.status == StudentStatus.UNVERIFIED:
        student.status = StudentStatus.REGISTERED
    return student


def me(session: Session, principal: Principal, lock: bool = False) -> Student:
    """The logged-in student's own registration (locked for a change that sign-off must not cross)."""
    if principal.role != Role.STUDENT or not principal.person_id:
        raise domain.NotAllowed("log in as a student first")
    student = (
        locked(session, Student, principal.person_id) if lock else session.get(Student, principal.person_id)
    )
    if student is None:
        raise NotFound("no such registration")
    return student


# --- hours -----------------------------------------------------------------------------------


def log_hours(session: Session, principal: Principal, fields: dict) -> HoursEntry:
    student = me(session, principal, lock=True)
    if student.status not in (StudentStatus.CONFIRMED,):
        raise domain.InvalidTransition("hours can be logged once the organisation confirmed your placement")
    if fields["day"] > utcnow().astimezone(domain.LOCAL_TIME).date():
        raise UnknownReference("day", "hours cannot be logged for a day in the future")
    entry = HoursEntry(student_id=student.id, network_id=student.network_id, **fields)
    session.add(entry)
    session.flush()
    return entry


def hours_of(session: Session, student_id: str) -> list[HoursEntry]:
    return list(
        session.scalars(
            select(HoursEntry)
            .where(HoursEntry.student_id == student_id)
            .order_by(HoursEntry.day, HoursEntry.logged_at, HoursEntry.id)
        )
    )


# --- CSV pre-registration --------------------------------------------------------------------

IMPORT_COLUMNS = ("name", "email", "student_number")
OPTIONAL_COLUMNS = ("phone", "language")


@dataclass
class RowResult:
    line: int
    outcome: str  # imported, updated, unchanged, refused
    reason: str = ""
    email: str = ""


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def summary(self) -> dict[str, int]:
        return {o: self.count(o) for o in ("imported", "updated", "unchanged", "refused")}


class BadCsv(UnknownReference):
    def __init__(self, message: str):
        super().__init__("file", message)


def read_rows(text: str) -> tuple[int, Iterator[tuple[int, dict]]]:
    """(number of data rows, iterator of (line number, row)); `;` or `,` separated, with a header."""
    try:
        return read_csv(text, IMPORT_COLUMNS)
    except CsvUnreadable as exc:
        raise BadCsv(str(exc)) from None


def _clean(row: dict) -> tuple[dict | None, str]:
    values = {k: (row.get(k) or "").strip() for k in (*IMPORT_COLUMNS, *OPTIONAL_COLUMNS)}
    if None in row:  # DictReader puts surplus cells under None
        return None, "the row has more cells than the header"
    if not values["name"]:
        return None, "name is empty"
    if not values["student_number"]:
        return None, "student number is empty"
    if len(values["name"]) > 200 or len(values["student_number"]) > 40 or len(values["phone"]) > 40:
        return None, "name, student number or phone number is too long"
    try:
        values["email"] = validate_email(values["email"], check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None, "e-mail address is not valid"
    language = values.pop("language").lower() or "nl"
    if language not in ("nl", "en"):
        return None, "language must be nl or en"
    values["language"] = language
    return values, ""


def import_students(
    session: Session, principal: Principal, cohort_id: str, rows: Iterable[tuple[int, dict]]
) -> ImportReport:
    """Pre-register a cohort's students; importing the same file again changes nothing.

    A row is matched by student number first, then by e-mail; imported students still confirm
    their address (and rank preferences) through the registration link.
    """
    cohort = cohort_for(session, principal, cohort_id)
    domain.ensure_partner_or_coordinator(principal, cohort)
    existing = list(session.scalars(select(Student).where(Student.cohort_id == cohort.id)))
    by_number = {s.student_number: s for s in existing}
    by_email = {s.email: s for s in existing}
    report = ImportReport()
    for line, row in rows:
        values, reason = _clean(row)
        if values is None:
            report.rows.append(RowResult(line, "refused", reason, (row.get("email") or "").strip()))
            continue
        report.rows.append(_import_one(session, cohort, values, line, by_number, by_email))
    return report


def _import_one(session, cohort, values, line, by_number, by_email) -> RowResult:
    student = by_number.get(values["student_number"])
    other = by_email.get(values["email"])
    if other is not None and student is not None and other is not student:
        return RowResult(
            line, "refused", "this e-mail address belongs to another student number", values["email"]
        )
    if other is not None and student is None:
        return RowResult(
            line, "refused", "this e-mail address is registered with another student number", values["email"]
        )
    if student is None:
        student = Student(cohort_id=cohort.id, network_id=cohort.network_id, imported=True, **values)
        session.add(student)
        by_number[student.student_number] = by_email[student.email] = student
        return RowResult(line, "imported", email=values["email"])
    changed = {k: v for k, v in values.items() if getattr(student, k) != v}
    if not changed:
        return RowResult(line, "unchanged", email=values["email"])
    by_email.pop(student.email, None)
    for name, value in changed.items():
        setattr(student, name, value)
    by_email[student.email] = student
    return RowResult(line, "updated", email=values["email"])


def cohort_student_count(session: Session, cohort_id: str) -> int:
    return session.scalar(select(func.count()).select_from(Student).where(Student.cohort_id == cohort_id))


def student_of_cohort(session: Session, cohort_id: str, student_id: str) -> Student:
    student = session.get(Student, student_id)
    if student is None or student.cohort_id != cohort_id:
        raise NotFound("no such student in this cohort")
    return student
