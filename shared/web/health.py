"""`/api/<service>/healthz`: answers 200 only when the service's database and Redis answer."""

from __future__ import annotations

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


def health_blueprint(service: str, db: Database, redis_url: str) -> Blueprint:
    bp = Blueprint(f"{service}_health", __name__)
    client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)

    def database_probe():
        with db.reader() as session:
            session.execute(text("SELECT 1"))

    @bp.get(f"/api/{service}/healthz")
    def healthz():
        """Anyone (load balancers, operators) may call this."""
        checks = {"database": _check(database_probe), "redis": _check(client.ping)}
        healthy = all(v == "ok" for v in checks.values())
        body = {"service": service, "status": "ok" if healthy else "failing", "checks": checks}
        return jsonify(body), 200 if healthy else 503

    return bp
