"""Probes of a service: `/api/<service>/livez` (the process answers), `/api/<service>/readyz` (it can
serve: database and Redis answer, and the database is at the newest migration) and `healthz`, an
alias of readyz kept for the probes and proxies that still ask for it."""

from __future__ import annotations

from pathlib import Path

import redis
from flask import Blueprint, jsonify
from sqlalchemy import text

from shared.db import Database
from shared.migrations import database_heads, script_heads


def _check(probe) -> str:
    try:
        probe()
        return "ok"
    except Exception as exc:  # a health check reports failures instead of raising them
        return f"error: {type(exc).__name__}"


def _reason(check: str, result: str) -> str:
    return result if result == "not migrated" else f"{check} unreachable"


class SchemaState:
    """Whether the service's database is at its migrations' head. Once it is, it stays so for this
    process (a release's schema only moves forward), so a probe then costs no query for it."""

    def __init__(self, db: Database, migrations: Path):
        self.db, self.migrations = db, migrations
        self._heads: frozenset[str] | None = None
        self._migrated = False

    def migrated(self) -> bool:
        if not self._migrated:
            if self._heads is None:
                self._heads = script_heads(self.migrations)
            with self.db.engine.connect() as connection:
                self._migrated = database_heads(connection) == self._heads
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

    @bp.get(f"/api/{service}/readyz")
    @bp.get(f"/api/{service}/healthz", endpoint="healthz")
    def readyz():
        """Anyone (load balancers, operators) may call this: 503 until the service can serve."""
        checks = {"database": _check(database_probe), "redis": _check(client.ping)}
        if checks["database"] == "ok":
            checks["schema"] = schema_check()
        failing = {name: result for name, result in checks.items() if result != "ok"}
        body = {"service": service, "status": "failing" if failing else "ok", "checks": checks}
        if failing:
            body["reason"] = ", ".join(_reason(name, result) for name, result in failing.items())
        return jsonify(body), 503 if failing else 200

    return bp
