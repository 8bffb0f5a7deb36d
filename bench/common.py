"""Shared helpers for benchmarks: percentiles, machine facts, writing bench/results/<scenario>.json."""

from __future__ import annotations

import json
import os
import platform
import statistics
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "max_ms": round(max(ms), 2),
    }


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def write_result(scenario: str, body: dict, variant: str = "") -> Path:
    """bench/results/<scenario>.json, or <scenario>-<variant>.json (e.g. the PostgreSQL run); a
    quick run's variant always says so, so it never overwrites the full run's figures."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    if body.get("quick") and "quick" not in variant:
        variant = f"{variant}-quick" if variant else "quick"
    path = RESULTS / (f"{scenario}-{variant}.json" if variant else f"{scenario}.json")
    document = {
        "scenario": scenario,
        **body,
        "machine": machine(),
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc (Linux)."""
    total = 0
    for candidate in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return round(total / 1024, 1)


def _children(pid: int) -> list[int]:
    try:
        direct = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []
    return direct + [g for c in direct for g in _children(c)]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its living children, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for candidate in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{candidate}/stat").read_text().rpartition(")")[2].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return round(total / ticks, 2)


def database(kind: str, workdir: Path, name: str) -> str | None:
    """A new, empty database for one run: a SQLite file in `workdir`, or a PostgreSQL database
    `knoop_bench_<name>_<pid>` on the server of KNOOP_BENCH_POSTGRES_URL (None if that is not
    set), with the same role and options. `drop_database` removes it afterwards."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / f'{name}.db'}"
    admin = os.environ.get("KNOOP_BENCH_POSTGRES_URL")
    if not admin:
        return None
    import psycopg
    from sqlalchemy.engine import make_url

    database_name = f"knoop_bench_{name}_{os.getpid()}"
    with psycopg.connect(_libpq(admin), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_name}"')
        conn.execute(f'CREATE DATABASE "{database_name}"')
    return make_url(admin).set(database=database_name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Remove a PostgreSQL database `database` made, connections and all (a SQLite file goes with
    the run's work directory)."""
    if not url.startswith("postgresql"):
        return
    import psycopg
    from sqlalchemy.engine import make_url

    admin = os.environ.get("KNOOP_BENCH_POSTGRES_URL")
    if not admin:
        admin = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(_libpq(admin), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _libpq(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as libpq takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)
