"""Invitations to an appreciation event for a whole network: from publishing until the SMTP sink has
accepted every invitation, through the real pipeline (appreciation worker fanning out batches of
500 through its outbox, the relay, the notifications worker rendering Dutch HTML + text + .ics and
sending over one SMTP connection per process). Beside it, in the same run, the raw rate: the same
e-mails sent straight to the sink from one process over one connection.

    python bench/invitations.py [--quick] [--count N] [--concurrency C]

SQLite by default; PostgreSQL when KNOOP_BENCH_POSTGRES_URL names a role that may create databases.
Target: 100,000 invitations within 3 minutes on this 2-core machine, at least half the raw rate.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiosmtpd.controller import Controller
from sqlalchemy import insert

from bench.common import cpu_seconds, rss_mb, write_result
from bench.event_latency import database_urls, drop_databases, pipeline_env
from deploy.local.harness import RedisServer, free_port, relay, worker
from services.appreciation.domain import passes as domain

TARGET_SECONDS = 180
TARGET_RATIO = 0.5


class CountingSink:
    """An SMTP server that accepts and counts (keeping 100,000 messages would measure memory)."""

    def __init__(self):
        self.count = 0
        self.port = free_port()
        self.first_at = self.last_at = None
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # As a production relay does, and as the local sink does (deploy/local/mailsink.py).
        session.host_name = hostname
        responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            self.last_at = time.perf_counter()
        return "250 OK"

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()


def seed(app, network_id: str, count: int) -> str:
    """`count` pass holders with active passes, and an event for all of them (a draft)."""
    from services.appreciation.models import Gathering, NetworkReplica, Pass, PassHolder

    db = app.extensions["knoop"].db
    with db.transaction(network_id=network_id) as session:
        session.add(NetworkReplica(id=network_id, name="Netwerk Bench", slug="bench"))
        for start in range(0, count, 5000):
            holders, cards = [], []
            for n in range(start, min(start + 5000, count)):
                hid = str(uuid.uuid4())
                holders.append(
                    {
                        "id": hid,
                        "network_id": network_id,
                        "name": f"Vrijwilliger {n}",
                        "email": f"v{n}@example.org",
                        "language": "nl",
                        "is_student": False,
                        "link_version": 1,
                        "created_at": datetime.now(UTC),
                    }
                )
                body = f"{n:011d}"
                cards.append(
                    {
                        "id": str(uuid.uuid4()),
                        "network_id": network_id,
                        "holder_id": hid,
                        "number": body + domain.luhn_check_digit(body),
                        "status": "active",
                        "valid_from": date(2000, 1, 1),
                        "valid_until": date(2999, 12, 31),
                        "issued_at": datetime.now(UTC),
                    }
                )
            session.execute(insert(PassHolder), holders)
            session.execute(insert(Pass), cards)
        start_at = datetime.now(UTC) + timedelta(days=20)
        event = Gathering(
            network_id=network_id,
            title="Vrijwilligersdag",
            kind="volunteer_day",
            venue="Zuiderzeemuseum",
            starts_at=start_at,
            ends_at=start_at + timedelta(hours=4),
            signup_deadline=start_at - timedelta(days=2),
            capacity=count,
            description="Een middag om jullie te bedanken.",
        )
        session.add(event)
        session.flush()
        return event.id


def raw_rate(port: int, count: int) -> float:
    """The same kind of e-mail (rendered once per person, as notifications does), straight to the sink
    over one connection."""
    from services.notifications.config import load_settings
    from services.notifications.mailer import SmtpMailer
    from services.notifications.rendering import EmailRenderer, message_id
    from shared.i18n import Catalogue

    renderer = EmailRenderer(
        Catalogue(Path(__file__).resolve().parents[1] / "services/notifications/translations")
    )
    event = {
        "event_id": "e",
        "title": "Vrijwilligersdag",
        "kind": "volunteer_day",
        "venue": "Zuiderzeemuseum",
        "starts_at": "2026-12-12T13:00:00+00:00",
        "ends_at": "2026-12-12T17:00:00+00:00",
        "network_name": "Bench",
    }
    # The same sending code as the pipeline (pipelined when the sink offers it), without the queue
    # and the database: what the pipeline costs is the difference.
    settings = dataclasses.replace(load_settings(), smtp_host="127.0.0.1", smtp_port=port)
    mailer = SmtpMailer(settings)
    started = time.perf_counter()
    for n in range(count):
        context = {
            "event": event,
            "network_name": "Bench",
            "description": "Een middag om jullie te bedanken.",
            "signup_deadline": "2026-12-10T13:00:00+00:00",
            "recipient_name": f"Vrijwilliger {n}",
            "signup_url": f"http://localhost:8000/waardering/uitnodiging/t{n}",
            "brand": {"logo_url": "", "colour": "#0b6e4f"},
        }
        message = renderer.build(
            template="event_invitation",
            lang="nl",
            context=context,
            sender="noreply@knoop.local",
            recipient=f"v{n}@example.org",
            recipient_name=f"Vrijwilliger {n}",
            msg_id=message_id("raw", f"v{n}@example.org", "event_invitation", "knoop.local"),
        )
        mailer.send(message)
    elapsed = time.perf_counter() - started
    mailer.close()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 invitations instead of 100,000")
    parser.add_argument("--count", type=int)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=4,
        help="notifications worker processes (4, as deploy/ runs them: sending waits on SMTP replies "
        "and commits, so more processes than cores)",
    )
    args = parser.parse_args()
    count = args.count or (5_000 if args.quick else 100_000)
    workdir = Path(tempfile.mkdtemp(prefix="knoop-bench-invitations-"))
    redis_server = RedisServer(workdir / "redis")
    redis_server.start()
    sink = CountingSink()
    sink.start()
    urls = database_urls(workdir)
    env = pipeline_env(workdir, redis_server.url, sink.port, urls)
    from services.appreciation import create_app
    from services.appreciation.usecases import gatherings
    from shared.identity import Principal, Role

    app = create_app()
    network_id = str(uuid.uuid4())
    event_id = seed(app, network_id, count)
    processes = [
        relay("appreciation", env, workdir).start(),
        worker("appreciation", env, workdir).start(),
        worker("notifications", env, workdir, concurrency=args.concurrency).start(),
    ]
    peak = {"appreciation": 0.0, "notifications": 0.0}
    try:
        time.sleep(4)  # workers up
        started, sink_cpu_before = time.perf_counter(), time.process_time()
        with app.extensions["knoop"].db.transaction(network_id=network_id) as session:
            gatherings.publish(session, Principal(Role.COORDINATOR, network_id), event_id)
        deadline = started + max(900, count / 50)
        while sink.count < count and time.perf_counter() < deadline:
            time.sleep(0.5)
            for p in processes[1:]:
                service = p.name.split("-")[0]
                peak[service] = max(peak[service], rss_mb(p.process.pid))
        elapsed = (sink.last_at or time.perf_counter()) - started
        delivered = sink.count
        # Where the CPU went, per e-mail (the sink runs in this process, on its own thread).
        cpu = {p.name: cpu_seconds(p.process.pid) for p in processes}
        cpu["sink"] = time.process_time() - sink_cpu_before
    finally:
        for p in processes:
            p.stop()
    raw_sink = CountingSink()
    raw_sink.start()
    raw = raw_rate(raw_sink.port, min(count, 5000))
    raw_sink.stop()
    sink.stop()
    redis_server.stop()
    app.extensions["knoop"].db.dispose()
    drop_databases(urls)
    shutil.rmtree(workdir, ignore_errors=True)  # 100,000 holders and deliveries: gigabytes on SQLite
    rate = delivered / elapsed
    ratio = round(rate / raw, 2)
    met = delivered == count and elapsed <= TARGET_SECONDS * count / 100_000 and ratio >= TARGET_RATIO
    database = "postgresql" if os.environ.get("KNOOP_BENCH_POSTGRES_URL") else "sqlite"
    print(f"{delivered} of {count} invitations in {elapsed:.1f} s ({rate:.0f}/s) on {database}")
    print(f"raw {raw:.0f}/s; ratio {ratio}; peak RSS {peak} MB")
    cpu_per_email = {name: round(1000 * sec / max(delivered, 1), 2) for name, sec in cpu.items()}
    print(f"CPU ms per e-mail: {cpu_per_email}")
    path = write_result(
        "invitations",
        {
            "quick": args.quick,
            "params": {
                "invitations": count,
                "database": database,
                "notification_processes": args.concurrency,
            },
            "results": {
                "delivered": delivered,
                "seconds": round(elapsed, 1),
                "per_second": round(rate, 1),
                "peak_rss_mb": peak,
                "cpu_ms_per_email": cpu_per_email,
            },
            "baseline": {
                "name": "the same e-mails rendered and sent from one process with the same mailer, no queue",
                "per_second": round(raw, 1),
            },
            "ratio": ratio,
            "target": f"within {TARGET_SECONDS * count / 100_000:.0f} s; at least {TARGET_RATIO} of raw",
            "met": met,
        },
        ("quick-" if args.quick else "") + database,
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
