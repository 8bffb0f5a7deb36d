"""The coordinator allocates a cohort's students to placements, adjusts by hand and publishes (the
organisation's side is in `placed_students`)."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, lazyload

from services.recruitment import domain
from services.recruitment.domain import allocation
from services.recruitment.links import Links
from services.recruitment.models import Cohort, Placement, Student, StudentPreference
from services.recruitment.models.placements import StudentStatus
from services.recruitment.usecases.common import (
    Conflict,
    UnknownReference,
    get,
    network_of,
    outbox,
)
from services.recruitment.usecases.common import recipient as organisation_recipient
from services.recruitment.usecases.education import HOLDING, taken_seats
from services.recruitment.usecases.students import student_recipient
from shared.db import utcnow
from shared.identity import Principal

UNVERIFIED_REASON = "unverified"
REASONS = {**allocation.REASONS, UNVERIFIED_REASON: "The student has not confirmed their e-mail address."}


@dataclass(frozen=True)
class Report:
    """What the coordinator reads after a run: who got which choice, and who is unplaced and why."""

    seed: int
    placed: int
    choices: dict[int, int]
    unplaced: list[dict]


def _pool(session: Session, cohort: Cohort) -> tuple[list[Student], list[Student]]:
    """(students taking part in this run, unverified students) of the cohort."""
    students = list(
        session.scalars(
            select(Student)
            .where(Student.cohort_id == cohort.id)
            .order_by(Student.id)
            # The cohort is known already; joining it again per student costs more than the allocation.
            .options(lazyload(Student.cohort), lazyload(Student.placement), lazyload(Student.preferences))
        )
    )
    in_pool = [s for s in students if s.status == StudentStatus.REGISTERED]
    unverified = [s for s in students if s.status == StudentStatus.UNVERIFIED]
    return in_pool, unverified


def _ranked_lists(session: Session, cohort: Cohort) -> dict[str, list[str]]:
    """Every student's ranked placement ids, read as plain rows (thousands of ORM objects are slow)."""
    ranked: dict[str, list[str]] = {}
    rows = session.execute(
        select(StudentPreference.student_id, StudentPreference.placement_id)
        .join(Student, Student.id == StudentPreference.student_id)
        .where(Student.cohort_id == cohort.id)
        .order_by(StudentPreference.student_id, StudentPreference.rank)
    )
    for student_id, placement_id in rows:
        ranked.setdefault(student_id, []).append(placement_id)
    return ranked


def _free_seats(session: Session, cohort: Cohort) -> list[allocation.Placement]:
    """Each placement with the seats not already held by a published, confirmed or signed-off student."""
    placements = list(session.scalars(select(Placement).where(Placement.cohort_id == cohort.id)))
    held: dict[str, int] = {}
    for placement_id in session.scalars(
        select(Student.placement_id).where(Student.cohort_id == cohort.id, Student.status.in_(HOLDING))
    ):
        held[placement_id] = held.get(placement_id, 0) + 1
    return [
        allocation.Placement(p.id, max(p.capacity - held.get(p.id, 0), 0), tuple(p.priorities or ()))
        for p in placements
    ]


def run(session: Session, principal: Principal, cohort_id: str, seed: int | None = None) -> Report:
    """Propose an allocation for everyone still in the pool (published places are kept).

    Deferred acceptance, so the proposal is stable; the seed makes it repeatable and is stored so
    anyone can re-run it and get the same result.
    """
    cohort = get(session, Cohort, cohort_id, "cohort")
    domain.ensure_coordinator(principal, cohort.network_id)
    seed = secrets.randbelow(2**31) if seed is None else seed
    in_pool, unverified = _pool(session, cohort)
    ranked = _ranked_lists(session, cohort)
    students = [
        allocation.Student(s.id, tuple(p for p in ranked.get(s.id, []) if p not in (s.declined_by or [])))
        for s in in_pool
    ]
    result = allocation.allocate(students, _free_seats(session, cohort), seed)
    by_id = {s.id: s for s in in_pool}
    for student in in_pool:
        student.proposed_placement_id = result.assignments.get(student.id)
        student.choice = _position(ranked.get(student.id, []), student.proposed_placement_id)
        student.unplaced_reason = result.unplaced.get(student.id, "")
    for student in unverified:
        student.unplaced_reason = UNVERIFIED_REASON
    report = Report(
        seed=seed,
        placed=len(result.assignments),
        choices=dict(sorted(Counter(s.choice for s in in_pool if s.choice).items())),
        unplaced=[
            {"student_id": sid, "name": by_id[sid].name, "reason": reason, "explanation": REASONS[reason]}
            for sid, reason in result.unplaced.items()
        ]
        + [
            {
                "student_id": s.id,
                "name": s.name,
                "reason": UNVERIFIED_REASON,
                "explanation": REASONS[UNVERIFIED_REASON],
            }
            for s in unverified
        ],
    )
    cohort.allocation_seed = seed
    cohort.allocated_at = utcnow()
    cohort.allocation_report = {
        "seed": seed,
        "placed": report.placed,
        "choices": {str(k): v for k, v in report.choices.items()},
        "unplaced": report.unplaced,
    }
    return report


def _position(ranked: list[str], placement_id: str | None) -> int | None:
    """Which choice on the student's own list this placement is (1 = favourite), None if not on it."""
    return ranked.index(placement_id) + 1 if placement_id in ranked else None


def _lock_placements(session: Session, cohort_id: str) -> dict[str, Placement]:
    """The cohort's placements, locked until commit (in id order, so two coordinators cannot
    deadlock): a capacity check and the moves it allows never interleave with another's. SQLite
    runs one writer at a time, which gives the same."""
    return {
        p.id: p
        for p in session.scalars(
            select(Placement)
            .where(Placement.cohort_id == cohort_id)
            .order_by(Placement.id)
            .with_for_update(of=Placement)
        )
    }


def adjust(
    session: Session, principal: Principal, cohort_id: str, student_id: str, placement_id: str | None
) -> Student:
    """The coordinator moves one student by hand (or takes them out); capacity still holds."""
    cohort = get(session, Cohort, cohort_id, "cohort")
    domain.ensure_coordinator(principal, cohort.network_id)
    placements = _lock_placements(session, cohort.id)
    student = session.get(Student, student_id)
    if student is None or student.cohort_id != cohort.id:
        raise UnknownReference("student_id", "not a student of this cohort")
    if student.status != StudentStatus.REGISTERED:
        raise Conflict("only a student still in the pool can be moved; this one is " + student.status)
    if placement_id is not None:
        if placement_id not in placements:
            raise UnknownReference("placement_id", "not a placement of this cohort")
        if placement_id in (student.declined_by or []):
            raise Conflict("this organisation declined this student before")
        if (
            taken_seats(session, cohort.id, except_student=student.id).get(placement_id, 0)
            >= placements[placement_id].capacity
        ):
            raise Conflict("this placement is full; move someone else out first")
    student.proposed_placement_id = placement_id
    student.choice = _position([p.placement_id for p in student.preferences], placement_id)
    student.unplaced_reason = "" if placement_id else "taken out by the coordinator"
    return student


def proposal(session: Session, cohort_id: str) -> list[Student]:
    return list(
        session.scalars(
            select(Student).where(Student.cohort_id == cohort_id).order_by(Student.name, Student.id)
        )
    )


def publish(session: Session, principal: Principal, cohort_id: str, links: Links) -> int:
    """Turn the proposal into placements and tell every student and organisation concerned."""
    cohort = get(session, Cohort, cohort_id, "cohort")
    domain.ensure_coordinator(principal, cohort.network_id)
    network = network_of(session, cohort.network_id)
    placements = _lock_placements(session, cohort.id)
    taken = taken_seats(session, cohort.id)
    if over := sorted(placements[p].title for p, n in taken.items() if n > placements[p].capacity):
        raise Conflict(f"more students than places at: {', '.join(over)}; adjust before publishing")
    # One conditional UPDATE: a second click (or a second coordinator) finds nothing left to publish.
    published = session.scalars(
        update(Student)
        .where(
            Student.cohort_id == cohort.id,
            Student.status == StudentStatus.REGISTERED,
            Student.proposed_placement_id.is_not(None),
        )
        .values(
            status=StudentStatus.ASSIGNED,
            placement_id=Student.proposed_placement_id,
            proposed_placement_id=None,
        )
        .returning(Student.id)
        .execution_options(synchronize_session=False)
    ).all()
    chosen = []
    for start in range(0, len(published), 500):
        chosen += session.scalars(
            select(Student)
            .where(Student.id.in_(published[start : start + 500]))
            .execution_options(populate_existing=True)
        ).all()
    for student in chosen:
        placement = session.get(Placement, student.placement_id)
        outbox.add(
            session,
            "recruitment.placement_assigned.v1",
            cohort.network_id,
            {
                "student_id": student.id,
                "placement_id": placement.id,
                "cohort_id": cohort.id,
                "cohort_name": cohort.name,
                "placement_title": placement.title,
                "organisation_id": placement.organisation_id,
                "organisation_name": placement.organisation.name,
                "network_name": network.name,
                "choice": student.choice,
                "student": student_recipient(student),
                "organisation": organisation_recipient(placement.organisation),
                "student_url": links.url("/student"),
                "organisation_url": links.url("/portaal/stages"),
            },
        )
    cohort.published_at = utcnow()
    return len(chosen)


# --- the coordinator's overview ---------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Where a cohort's allocation stands, for the coordinator's start page and cohort list."""

    students: int  # everyone registered through the link, confirmed or not
    in_pool: int  # confirmed their address, not yet given a published placement
    proposed: int  # in the pool with a proposed placement, waiting to be published
    placed: int  # holding a published placement

    @property
    def to_allocate(self) -> bool:
        # Unplaced students stay in the pool after a run; only a pool without any proposal waits.
        return self.in_pool > 0 and self.proposed == 0

    @property
    def to_publish(self) -> bool:
        return self.proposed > 0


def cohort_progress(session: Session, cohort_ids: list[str]) -> dict[str, Progress]:
    """Per cohort, how many students are in the pool, proposed a placement or placed (one query)."""
    counts: dict[str, Counter] = {cid: Counter() for cid in cohort_ids}
    rows = session.execute(
        select(Student.cohort_id, Student.status, Student.proposed_placement_id).where(
            Student.cohort_id.in_(cohort_ids)
        )
    )
    for cohort_id, status, proposed in rows:
        tally = counts[cohort_id]
        tally["students"] += 1
        tally["in_pool"] += status == StudentStatus.REGISTERED
        tally["proposed"] += status == StudentStatus.REGISTERED and proposed is not None
        tally["placed"] += status in HOLDING
    return {
        cid: Progress(c["students"], c["in_pool"], c["proposed"], c["placed"]) for cid, c in counts.items()
    }


def organisations_to_tell(session: Session, cohort_id: str) -> int:
    """How many organisations publishing the proposal now would tell (their placements' students)."""
    return len(
        set(
            session.scalars(
                select(Placement.organisation_id)
                .join(Student, Student.proposed_placement_id == Placement.id)
                .where(Student.cohort_id == cohort_id, Student.status == StudentStatus.REGISTERED)
            )
        )
    )
