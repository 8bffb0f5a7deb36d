"""Probes of a service: `/api/<service>/livez` (the process answers), `/api/<service>/readyz` (it can
serve pages: the database answers and is at a migration this release runs on) and `healthz`
(everything answers, Redis too: for monitoring).

Readiness leaves Redis out on purpose: pages and the API work without it (what they queue waits in
the outbox), so a Redis restart must not take every web process out of the load balancer at once.
It still shows in readyz's checks, and healthz fails on it."""

from __future__ import annotations

from pathlib import Path

import redis
from flask import Blueprint, jsonify
from sqlalchemy import text

from shared.db import Database


def _check(probe) -> str:
    try:
        probe()
        return "ok"
    except Exception as exc:  # a health check reports failures instead of raising them
        return f"error: {type(exc).__name__}"


def _reason(check: str, result: str) -> str:
    return result if result == "not migrated" else f"{check} unreachable"


class SchemaState:
    """Whether this release runs on the service's database: at its migrations' head, or ahead of it
    (a newer release migrated it and this one was rolled back: migrations only add, so the older
    code runs on it). Once true it stays so for this process, so a probe then costs no query."""

    def __init__(self, db: Database, migrations: Path):
        self.db, self.migrations = db, migrations
        self._migrated = False

    def migrated(self) -> bool:
        if not self._migrated:
            # Alembic is imported here, not with the app: workers and relays build the app too and are
            # never probed (about 0.17 s of CPU at each one's start; docs/performance.md, "The suite").
            from shared.migrations import BEHIND, database_heads, schema_state

            with self.db.engine.connect() as connection:
                self._migrated = schema_state(self.migrations, database_heads(connection)) != BEHIND
        return self._migrated


def health_blueprint(service: str, db: Database, redis_url: str, migrations: Path) -> Blueprint:
    bp = Blueprint(f"{service}_health", __name__)
    client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
    schema = SchemaState(db, migrations)

    def database_probe():
        with db.reader() as session:
            session.execute(text("SELECT 1"))

    def schema_check() -> str:
        try:
            return "ok" if schema.migrated() else "not migrated"
        except Exception as exc:  # reported like the other checks
            return f"error: {type(exc).__name__}"

    @bp.get(f"/api/{service}/livez")
    def livez():
        """Anyone may call this. Asks nothing of the database or Redis: a database that blips must
        not make an orchestrator restart every web process."""
        return jsonify({"service": service, "status": "alive"}), 200

    def report(required: tuple[str, ...]):
        checks = {"database": _check(database_probe), "redis": _check(client.ping)}
        if checks["database"] == "ok":
            checks["schema"] = schema_check()
        failing = {name: result for name, result in checks.items() if result != "ok" and name in required}
        body = {"service": service, "status": "failing" if failing else "ok", "checks": checks}
        if failing:
            body["reason"] = ", ".join(_reason(name, result) for name, result in failing.items())
        return jsonify(body), 503 if failing else 200

    @bp.get(f"/api/{service}/readyz")
    def readyz():
        """Anyone (load balancers, operators) may call this: 503 until the database answers and
        this release runs on its schema ("not migrated" before the migration)."""
        return report(("database", "schema"))

    @bp.get(f"/api/{service}/healthz")
    def healthz():
        """Anyone (monitoring) may call this: 503 unless the database, its schema and Redis answer."""
        return report(("database", "schema", "redis"))

    return bp
