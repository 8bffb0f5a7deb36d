"""Event latency: from the publishing request's commit to the e-mail accepted by the SMTP sink.

    python bench/event_latency.py [--quick] [--count N]

Starts its own redis-server, SMTP sink, recruitment outbox relay and notifications Celery worker on
loopback (SQLite, or PostgreSQL when KNOOP_BENCH_POSTGRES_URL is set). Publishes vacancies one at a
time through the recruitment API and times each from its commit until the sink accepted its e-mail.
Baseline in the same run: the raw floor of one Redis push/pop round trip plus one SMTP send of the
same message to the same sink. Target: p50 <= 25 ms and p99 <= 100 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import smtplib
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis
from sqlalchemy import event
from sqlalchemy.orm import Session

from bench.common import database, drop_database, rss_mb, summary_ms, write_result
from deploy.local.harness import MailSink, RedisServer, relay, wait_until, worker
from shared.migrations import upgrade
from tests.support.flows import bearer, draft, organisation_with_token

SERVICES = ("recruitment", "appreciation", "notifications")
REPO = Path(__file__).resolve().parents[1]


class ArrivalClock:
    """Wraps the sink's store so each accepted message wakes the benchmark at once."""

    def __init__(self, sink: MailSink):
        self.arrived = threading.Event()
        self.times: dict[str, float] = {}
        original = sink.store.add

        def add(sender, recipients, raw):
            original(sender, recipients, raw)
            self.times[sink.store.all()[-1].message["Subject"]] = time.perf_counter()
            self.arrived.set()

        sink.store.add = add


def database_urls(workdir: Path) -> dict[str, str]:
    """A migrated database per service: PostgreSQL if KNOOP_BENCH_POSTGRES_URL is set, else SQLite."""
    kind = "postgresql" if os.environ.get("KNOOP_BENCH_POSTGRES_URL") else "sqlite"
    urls = {service: database(kind, workdir, service) for service in SERVICES}
    for service, url in urls.items():
        upgrade(REPO / "services" / service / "migrations", url)
    return urls


def pipeline_env(workdir: Path, redis_url: str, smtp_port: int, urls: dict[str, str]) -> dict[str, str]:
    """The environment the services' workers and relays run with in a benchmark; set in this
    process too, so apps created here use the same databases, Redis and sink."""
    env = {
        **os.environ,
        "KNOOP_ENV": "test",
        "KNOOP_REDIS_URL": redis_url,
        "KNOOP_SMTP_PORT": str(smtp_port),
        "KNOOP_VAR_DIR": str(workdir / "var"),
        **{f"{s.upper()}_DATABASE_URL": u for s, u in urls.items()},
    }
    os.environ.update({k: v for k, v in env.items() if k.startswith("KNOOP_") or k.endswith("_URL")})
    return env


def drop_databases(urls: dict[str, str]) -> None:
    for url in urls.values():
        drop_database(url)


def measure_floor(redis_url: str, sink_port: int, raw: bytes, rounds: int) -> list[float]:
    """One Redis LPUSH seen by a blocked BRPOP on another connection, plus one SMTP send."""
    producer, consumer = redis.Redis.from_url(redis_url), redis.Redis.from_url(redis_url)
    smtp = smtplib.SMTP("127.0.0.1", sink_port)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        producer.lpush("bench:floor", b"x" * 600)
        consumer.brpop(["bench:floor"], timeout=5)
        smtp.sendmail("noreply@knoop.local", ["floor@example.org"], raw)
        samples.append(time.perf_counter() - start)
    smtp.quit()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 vacancies instead of 1,000")
    parser.add_argument("--count", type=int)
    args = parser.parse_args()
    count = args.count or (100 if args.quick else 1000)
    warmup = 20

    workdir = Path(tempfile.mkdtemp(prefix="knoop-bench-"))
    redis_server = RedisServer(workdir / "redis")
    redis_server.start()
    sink = MailSink()
    sink.start()
    clock = ArrivalClock(sink)
    urls = database_urls(workdir)
    env = pipeline_env(workdir, redis_server.url, sink.port, urls)
    processes = [relay("recruitment", env, workdir).start(), worker("notifications", env, workdir).start()]
    app = None
    try:
        from services.recruitment import create_app

        app = create_app()
        client, _, token = organisation_with_token(app)
        commits: list[float] = []
        event.listen(
            Session,
            "after_commit",
            lambda s: (
                commits.append(time.perf_counter()) if s.info.get("outbox_pending") is not None else None
            ),
            insert=True,
        )
        latencies, drafts = [], [draft(client, token, f"Bench {n:05d}")["id"] for n in range(count + warmup)]
        for n, vacancy_id in enumerate(drafts):
            clock.arrived.clear()
            client.post(f"/api/recruitment/vacancies/{vacancy_id}/submit", headers=bearer(token))
            committed = commits[-1]
            subject = f"Uw vacature staat online: Bench {n:05d}"
            wait_until(lambda s=subject: s in clock.times, 30, interval=0.0005, message=subject)
            if n >= warmup:
                latencies.append(clock.times[subject] - committed)
        worker_rss = rss_mb(processes[1].process.pid)
        floor = measure_floor(redis_server.url, sink.port, sink.mails[-1].raw, count)
    finally:
        for process in processes:
            process.stop()
        sink.stop()
        redis_server.stop()
        if app is not None:
            app.extensions["knoop"].db.dispose()
        drop_databases(urls)
        shutil.rmtree(workdir, ignore_errors=True)

    result, baseline = summary_ms(latencies), summary_ms(floor)
    met = result["p50_ms"] <= 25 and result["p99_ms"] <= 100
    kind = "postgresql" if os.environ.get("KNOOP_BENCH_POSTGRES_URL") else "sqlite"
    body = {
        "quick": args.quick,
        "params": {"vacancies": count, "warmup": warmup, "database": kind},
        "results": {**result, "notifications_worker_rss_mb": worker_rss},
        "baseline": {"name": "Redis LPUSH/BRPOP round trip + one SMTP send to the sink", **baseline},
        "ratio": round(result["p50_ms"] / baseline["p50_ms"], 2),
        "target": "p50 <= 25 ms and p99 <= 100 ms",
        "met": met,
    }
    path = write_result("event_latency", body, variant="" if kind == "sqlite" else kind)
    print(f"{'(ms)':24}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}")
    for name, row in (("commit -> SMTP accepted", result), ("floor (redis + smtp)", baseline)):
        print(
            f"{name:24}{row['p50_ms']:>8.1f}{row['p95_ms']:>8.1f}{row['p99_ms']:>8.1f}{row['max_ms']:>8.1f}"
        )
    print(f"worker RSS {worker_rss} MB; target met: {met}; written to {path}")


if __name__ == "__main__":
    main()
