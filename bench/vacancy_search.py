"""Vacancy search: full text plus two filters over 100,000 vacancies, through the Flask app, beside
the same query as raw SQL, on SQLite and (when available) PostgreSQL.

    python bench/vacancy_search.py [--quick] [--count N]

PostgreSQL is used when KNOOP_BENCH_POSTGRES_URL names a role that may create databases. Target:
p95 under 50 ms on PostgreSQL, within 2x of the raw query.
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

from sqlalchemy import insert, text

from bench.common import database, drop_database, summary_ms, write_result
from services.recruitment.models import Vacancy, VacancyArea
from services.recruitment.usecases import search
from shared.migrations import upgrade
from tests.support.recruitment import network_with_members

REPO = Path(__file__).resolve().parents[1]
WORDS = [
    "maatje",
    "bezoek",
    "ouderen",
    "eenzaamheid",
    "klussen",
    "tuin",
    "boodschappen",
    "ziekenhuis",
    "begeleiding",
    "wandelen",
    "koffie",
    "gesprek",
    "administratie",
    "formulieren",
    "taal",
    "les",
    "kinderen",
    "huiswerk",
    "vervoer",
    "rolstoel",
    "uitstapje",
    "mantelzorg",
    "ontlasten",
    "waken",
    "palliatief",
    "vakantie",
    "activiteiten",
    "koken",
    "maaltijd",
    "computer",
]
AREAS = ("Binnenstad", "Noord", "Oost", "West", "Zuid", "Haven")
QUERIES = [
    ("maatje", "Binnenstad", True),
    ("ziekenhuis begeleiding", "Oost", False),
    ("klussen", "West", True),
    ("ouderen", "Noord", False),
    ("wandelen", "Zuid", True),
]


def generate(app, count: int) -> tuple[str, list[str]]:
    """A network with members, then `count` published vacancies inserted in bulk."""
    net = network_with_members(app)
    db = app.extensions["knoop"].db
    members = [net.id(m) for m in ("Humanitas", "Zonnebloem", "Present")]
    rng = random.Random(42)
    sqlite = db.is_sqlite
    now = datetime.now(UTC)
    with db.transaction() as session:
        network_id = session.execute(text("SELECT id FROM networks")).scalar()
        for start in range(0, count, 5000):
            rows, areas = [], []
            for n in range(start, min(start + 5000, count)):
                words = rng.sample(WORDS, 8)
                title = " ".join(words[:3]).capitalize()
                body = " ".join([title, title, " ".join(words)])
                vid = str(uuid.uuid4())
                rows.append(
                    {
                        "id": vid,
                        "network_id": network_id,
                        "organisation_id": rng.choice(members),
                        "title": title,
                        "description": " ".join(words),
                        "status": "published",
                        "suitable_for_students": rng.random() < 0.3,
                        "vog_required": rng.random() < 0.4,
                        "hours_per_week": rng.randint(1, 12),
                        "published_at": now - timedelta(minutes=n),
                        "search_text": " ".join(search.stems(body)) if sqlite else body,
                    }
                )
                areas.append({"vacancy_id": vid, "area": rng.choice(AREAS)})
            session.execute(insert(Vacancy), rows)
            session.execute(insert(VacancyArea), areas)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return net.slug, members


def raw_sql(sqlite: bool) -> str:
    """The app's query written by hand: text + area + student filter, the newest 21 (one more tells
    whether a next page exists), with what a result shows (organisation, category, areas, partners)."""
    text_match = (
        "v.rowid IN (SELECT rowid FROM vacancy_fts WHERE vacancy_fts MATCH :match)"
        if sqlite
        else "v.search_vector @@ websearch_to_tsquery('dutch', :q)"
    )
    agg = "group_concat({}, '|')" if sqlite else "string_agg({}, '|')"
    return (
        "SELECT v.*, o.name, c.name, "
        f"(SELECT {agg.format('a.area')} FROM vacancy_areas a WHERE a.vacancy_id = v.id), "
        f"(SELECT {agg.format('p.name')} FROM vacancy_co_publishers cp JOIN organisations p "
        " ON p.id = cp.organisation_id WHERE cp.vacancy_id = v.id AND cp.status = 'accepted') "
        "FROM vacancies v JOIN organisations o ON o.id = v.organisation_id "
        "LEFT JOIN activity_categories c ON c.id = v.category_id "
        "WHERE v.status = 'published' AND v.network_id = :network "
        "AND EXISTS (SELECT 1 FROM vacancy_areas a WHERE a.vacancy_id = v.id AND a.area = :area) "
        f"AND v.suitable_for_students = :students AND {text_match} "
        "ORDER BY v.published_at DESC LIMIT 21"
    )


def measure(kind: str, url: str, count: int, rounds: int) -> dict:
    upgrade(REPO / "services" / "recruitment" / "migrations", url)
    from services.recruitment import create_app

    app = create_app({"profile": "test", "database_url": url, "redis_url": "redis://127.0.0.1:1/0"})
    started = time.perf_counter()
    slug, _ = generate(app, count)
    load_seconds = time.perf_counter() - started
    client, db = app.test_client(), app.extensions["knoop"].db
    with db.reader() as session:
        network = session.execute(text("SELECT id FROM networks")).scalar()
    app_samples, raw_samples, sizes = [], [], []
    for n in range(rounds + 20):
        q, area, students = QUERIES[n % len(QUERIES)]
        t0 = time.perf_counter()
        response = client.get(
            "/api/recruitment/vacancies",
            query_string={"network": slug, "q": q, "area": area, "students": str(students).lower()},
        )
        t1 = time.perf_counter()
        assert response.status_code == 200, response.get_json()
        with db.reader() as session:
            params = {
                "network": network,
                "area": area,
                "students": students,
                "q": q,
                "match": " AND ".join(f'"{s}"' for s in search.stems(q)),
            }
            rows = session.execute(text(raw_sql(db.is_sqlite)), params).all()
        t2 = time.perf_counter()
        if n >= 20:
            app_samples.append(t1 - t0)
            raw_samples.append(t2 - t1)
            sizes.append((len(response.get_json()["items"]), min(len(rows), 20)))
    db.dispose()
    app_summary, raw_summary = summary_ms(app_samples), summary_ms(raw_samples)
    return {
        "database": kind,
        "load_seconds": round(load_seconds, 1),
        "app": app_summary,
        "raw": raw_summary,
        "ratio_p95": round(app_summary["p95_ms"] / raw_summary["p95_ms"], 2),
        "same_rows_as_raw": all(app_rows == raw_rows for app_rows, raw_rows in sizes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 vacancies instead of 100,000")
    parser.add_argument("--count", type=int)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    count = args.count or (10_000 if args.quick else 100_000)
    workdir = Path(tempfile.mkdtemp(prefix="knoop-bench-search-"))
    os.environ["KNOOP_VAR_DIR"] = str(workdir)
    runs = []
    for kind in ("sqlite", "postgresql"):
        url = database(kind, workdir, "search")
        if url is None:
            print("PostgreSQL skipped: set KNOOP_BENCH_POSTGRES_URL to include it")
            continue
        try:
            runs.append(measure(kind, url, count, args.rounds))
        finally:
            drop_database(url)
    pg = next((r for r in runs if r["database"] == "postgresql"), None)
    met = pg is not None and pg["app"]["p95_ms"] < 50 and pg["ratio_p95"] <= 2
    main_run = pg or runs[0]
    path = write_result(
        "vacancy_search",
        {
            "quick": args.quick,
            "params": {
                "vacancies": count,
                "requests": args.rounds,
                "query": "full text + area + students, newest 20",
            },
            "results": {r["database"]: r for r in runs},
            "baseline": {
                "name": "the same query as raw SQL, same connection pool",
                **{k: main_run["raw"][k] for k in ("p50_ms", "p95_ms")},
            },
            "ratio": main_run["ratio_p95"],
            "target": "PostgreSQL p95 < 50 ms and within 2x of raw SQL",
            "met": met,
        },
        "quick" if args.quick else "",
    )
    print(f"{'(ms)':12}{'app p50':>9}{'app p95':>9}{'raw p50':>9}{'raw p95':>9}{'ratio':>7}{'load s':>8}")
    for r in runs:
        print(
            f"{r['database']:12}{r['app']['p50_ms']:>9.1f}{r['app']['p95_ms']:>9.1f}{r['raw']['p50_ms']:>9.1f}"
            f"{r['raw']['p95_ms']:>9.1f}{r['ratio_p95']:>7.2f}{r['load_seconds']:>8.1f}"
        )
    print(f"target met: {met}; written to {path}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
