"""Allocation of a cohort: 5,000 students, 400 placements and 5 ranked preferences, allocated by the
coordinator's use case and stored, beside the bare algorithm in memory (the baseline); and the CSV
import of the same 5,000 students, beside a bulk INSERT of the same rows. SQLite, and PostgreSQL
when KNOOP_BENCH_POSTGRES_URL names a role that may create databases.

    python bench/allocation.py [--quick]

Target: allocated and stored in under 2 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select

from bench.common import database, drop_database, write_result
from services.recruitment.domain import allocation
from services.recruitment.models import Cohort, Placement, Student, StudentPreference
from services.recruitment.usecases import allocations, students
from shared.identity import Principal, Role
from shared.migrations import upgrade
from tests.support.placements import partner_with_cohort
from tests.support.recruitment import network_with_members

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2.0


def generate(app, n_students: int, n_placements: int, prefs: int) -> tuple[str, str]:
    """A cohort with placements (capacity 1 to 25) and verified students whose preferences favour
    some placements far more than others, as real students do."""
    net = network_with_members(app)
    cohort = partner_with_cohort(net)
    db = app.extensions["knoop"].db
    rng = random.Random(42)
    members = [net.id(m) for m in ("Humanitas", "Zonnebloem", "Present")]
    with db.transaction() as session:
        network_id = session.get(Cohort, cohort.id).network_id
        placement_ids = [str(uuid.uuid4()) for _ in range(n_placements)]
        session.execute(
            insert(Placement),
            [
                {
                    "id": pid,
                    "network_id": network_id,
                    "cohort_id": cohort.id,
                    "organisation_id": rng.choice(members),
                    "title": f"Stageplek {n}",
                    "capacity": rng.randint(1, 25),
                    "priorities": [],
                    "description": "",
                    "area": "",
                    "times": "",
                    "created_at": datetime.now(UTC),
                }
                for n, pid in enumerate(placement_ids)
            ],
        )
        weights = [1 / (rank + 1) ** 0.8 for rank in range(n_placements)]  # a long tail of popularity
        rows, preference_rows = [], []
        for n in range(n_students):
            sid = str(uuid.uuid4())
            rows.append(_student_row(sid, network_id, cohort.id, n))
            chosen = list(dict.fromkeys(rng.choices(placement_ids, weights, k=prefs * 3)))[:prefs]
            preference_rows += [
                {"student_id": sid, "rank": r, "placement_id": pid} for r, pid in enumerate(chosen, 1)
            ]
        session.execute(insert(Student), rows)
        session.execute(insert(StudentPreference), preference_rows)
    return cohort.id, network_id


def _student_row(sid: str, network_id: str, cohort_id: str, n: int) -> dict:
    now = datetime.now(UTC)
    return {
        "id": sid,
        "network_id": network_id,
        "cohort_id": cohort_id,
        "name": f"Student {n}",
        "email": f"student{n}@student.example.org",
        "student_number": str(100000 + n),
        "status": "registered",
        "verified_at": now,
        "registered_at": now - timedelta(minutes=n),
        "languages": [],
        "declined_by": [],
        "phone": "",
        "availability": "",
        "language": "nl",
        "imported": False,
        "unplaced_reason": "",
    }


def bare_algorithm(db, cohort_id: str, seed: int) -> float:
    """The baseline: the same allocation in memory, inputs already loaded."""
    with db.reader() as session:
        prefs: dict[str, list[str]] = {}
        for sid, pid in session.execute(
            select(StudentPreference.student_id, StudentPreference.placement_id).order_by(
                StudentPreference.student_id, StudentPreference.rank
            )
        ):
            prefs.setdefault(sid, []).append(pid)
        seats = session.execute(select(Placement.id, Placement.capacity)).all()
    studs = [allocation.Student(sid, tuple(p)) for sid, p in prefs.items()]
    places = [allocation.Placement(pid, cap) for pid, cap in seats]
    started = time.perf_counter()
    allocation.allocate(studs, places, seed)
    return time.perf_counter() - started


def measure(kind: str, url: str, n_students: int, n_placements: int, prefs: int) -> dict:
    upgrade(REPO / "services" / "recruitment" / "migrations", url)
    from services.recruitment import create_app

    app = create_app({"profile": "test", "database_url": url, "redis_url": "redis://127.0.0.1:1/0"})
    db = app.extensions["knoop"].db
    cohort_id, network_id = generate(app, n_students, n_placements, prefs)
    coordinator = Principal(role=Role.COORDINATOR, network_id=network_id)

    runs = []
    for seed in (1, 2, 3):
        started = time.perf_counter()
        with db.transaction(network_id=network_id) as session:
            report = allocations.run(session, coordinator, cohort_id, seed)
        runs.append(time.perf_counter() - started)
    bare = min(bare_algorithm(db, cohort_id, seed) for seed in (1, 2, 3))
    with db.reader() as session:
        stored = session.scalar(select(Student.id).where(Student.proposed_placement_id.is_not(None)).limit(1))
    assert stored is not None

    csv_seconds, bulk_seconds, summary = import_vs_bulk(db, network_id, coordinator, n_students)
    db.dispose()
    best = min(runs)
    return {
        "database": kind,
        "allocate_and_store_s": round(best, 3),
        "allocate_and_store_runs_s": [round(r, 3) for r in runs],
        "bare_algorithm_s": round(bare, 3),
        "ratio_to_bare": round(best / bare, 1),
        "placed": report.placed,
        "choices": report.choices,
        "unplaced": len(report.unplaced),
        "csv_import_s": round(csv_seconds, 3),
        "bulk_insert_s": round(bulk_seconds, 3),
        "csv_ratio_to_bulk": round(csv_seconds / bulk_seconds, 1),
        "csv_summary": summary,
        "met": best < TARGET_SECONDS,
    }


def import_vs_bulk(db, network_id: str, coordinator: Principal, n: int) -> tuple[float, float, dict]:
    """The CSV import of n students into a fresh cohort, and a bulk INSERT of the same rows."""
    with db.transaction(network_id=network_id) as session:
        partner_id = session.scalar(select(Cohort.partner_id))
        fresh = []
        for name in ("import", "bulk"):
            cohort = Cohort(
                partner_id=partner_id,
                name=f"Bench {name}",
                required_hours=40,
                opens_at=datetime.now(UTC),
                closes_at=datetime.now(UTC) + timedelta(days=30),
                registration_token=uuid.uuid4().hex,
                short_code=uuid.uuid4().hex[:9].upper(),
            )
            session.add(cohort)
            session.flush()
            fresh.append(cohort.id)
    text = "name;email;student_number\n" + "".join(
        f"Student {i};student{i}@student.example.org;{100000 + i}\n" for i in range(n)
    )
    started = time.perf_counter()
    _, rows = students.read_rows(text)
    with db.transaction(network_id=network_id) as session:
        report = students.import_students(session, coordinator, fresh[0], rows)
    csv_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with db.transaction(network_id=network_id) as session:
        session.execute(
            insert(Student),
            [_student_row(str(uuid.uuid4()), network_id, fresh[1], i) for i in range(n)],
        )
    bulk_seconds = time.perf_counter() - started
    return csv_seconds, bulk_seconds, report.summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 students and 80 placements")
    args = parser.parse_args()
    n_students, n_placements, prefs = (1000, 80, 5) if args.quick else (5000, 400, 5)
    workdir = Path(tempfile.mkdtemp(prefix="knoop-bench-allocation-"))
    os.environ["KNOOP_VAR_DIR"] = str(workdir)
    runs = []
    for kind in ("sqlite", "postgresql"):
        url = database(kind, workdir, "allocation")
        if url is None:
            print("PostgreSQL skipped: set KNOOP_BENCH_POSTGRES_URL to include it")
            continue
        try:
            runs.append(measure(kind, url, n_students, n_placements, prefs))
        finally:
            drop_database(url)
    header = ("database", "alloc+store", "bare", "ratio", "placed", "csv import", "bulk")
    print("{:<12}{:>12}{:>8}{:>7}{:>8}{:>12}{:>8}".format(*header))
    for r in runs:
        print(
            f"{r['database']:<12}{r['allocate_and_store_s']:>11.3f}s{r['bare_algorithm_s']:>7.3f}s"
            f"{r['ratio_to_bare']:>7}{r['placed']:>8}{r['csv_import_s']:>11.3f}s{r['bulk_insert_s']:>7.3f}s"
        )
    body = {
        "quick": args.quick,
        "params": {"students": n_students, "placements": n_placements, "preferences": prefs},
        "results": runs,
        "baseline": {"name": "the bare algorithm in memory; a bulk INSERT for the import"},
        "target": f"allocated and stored in under {TARGET_SECONDS} s",
        "met": all(r["met"] for r in runs),
    }
    path = write_result("allocation", body, "quick" if args.quick else "")
    print(f"written {path}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
