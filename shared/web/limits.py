"""Rate limits on public endpoints that write (responses, sign-ups): Flask-Limiter with its counters
in Redis, so every web process shares them; one limiter per app. Over the limit: 429 (JSON on API
paths). Where a code is tried (pass numbers at a counter), see services/appreciation/wrong_codes.py."""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def _limiter(app: Flask, redis_url: str) -> tuple[Limiter, set[str]]:
    """The app's limiter and the endpoints it limits."""
    if "knoop_limiter" not in app.extensions:
        limiter = Limiter(
            get_remote_address, app=app, storage_uri=redis_url, strategy="fixed-window", headers_enabled=True
        )
        limited: set[str] = set()
        # Flask-Limiter looks at every request of the app for limits, though only a few endpoints
        # have any: the others are waved through before that lookup, which cost every request CPU
        # (docs/performance.md).
        # So every limit must be set through this module (limit_public_posts), which records its
        # endpoints here: a limit set on the limiter directly would be waved through too.
        limiter.request_filter(lambda: request.endpoint not in limited)
        app.extensions["knoop_limiter"] = limiter, limited
    return app.extensions["knoop_limiter"]


def limit_public_posts(app: Flask, redis_url: str, limit: str, endpoints: list[str]) -> Limiter:
    """Apply `limit` (e.g. "30 per hour") per client address to the POSTs of `endpoints`."""
    limiter, limited = _limiter(app, redis_url)
    limited.update(endpoints)
    for endpoint in endpoints:
        app.view_functions[endpoint] = limiter.limit(limit, methods=["POST"])(app.view_functions[endpoint])
    return limiter
