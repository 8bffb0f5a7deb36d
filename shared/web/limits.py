"""Rate limits for public endpoints that write (responses, alert sign-ups): Flask-Limiter with its
counters in Redis, so every web process shares them. Over the limit: 429 (JSON on API paths)."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def limit_public_posts(app: Flask, redis_url: str, limit: str, endpoints: list[str]) -> Limiter:
    """Apply `limit` (e.g. "30 per hour") per client address to the POSTs of `endpoints`."""
    limiter = Limiter(
        get_remote_address, app=app, storage_uri=redis_url, strategy="fixed-window", headers_enabled=True
    )
    for endpoint in endpoints:
        app.view_functions[endpoint] = limiter.limit(limit, methods=["POST"])(app.view_functions[endpoint])
    return limiter
