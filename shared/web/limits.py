"""Rate limits: public endpoints that write (responses, sign-ups) and places where a code is tried
(pass numbers at a counter). Flask-Limiter with its counters in Redis, so every web process shares
them; one limiter per app. Over the limit: 429 (JSON on API paths)."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from shared.auth import current_principal


def _limiter(app: Flask, redis_url: str) -> Limiter:
    if "knoop_limiter" not in app.extensions:
        app.extensions["knoop_limiter"] = Limiter(
            get_remote_address, app=app, storage_uri=redis_url, strategy="fixed-window", headers_enabled=True
        )
    return app.extensions["knoop_limiter"]


def limit_public_posts(app: Flask, redis_url: str, limit: str, endpoints: list[str]) -> Limiter:
    """Apply `limit` (e.g. "30 per hour") per client address to the POSTs of `endpoints`."""
    limiter = _limiter(app, redis_url)
    for endpoint in endpoints:
        app.view_functions[endpoint] = limiter.limit(limit, methods=["POST"])(app.view_functions[endpoint])
    return limiter


def _partner_or_address() -> str:
    principal = current_principal()
    return f"partner:{principal.partner_id}" if principal and principal.partner_id else get_remote_address()


def limit_wrong_codes(app: Flask, redis_url: str, limit: str, endpoints: list[str]) -> Limiter:
    """Count only answers that say "no such code" (404) against `limit`, per logged-in partner and
    per client address: guessing pass numbers stops, honest use never notices."""
    limiter = _limiter(app, redis_url)
    wrong = dict(deduct_when=lambda response: response.status_code == 404, methods=["POST"])
    for endpoint in endpoints:
        view = app.view_functions[endpoint]
        view = limiter.limit(limit, key_func=_partner_or_address, scope="wrong-code-partner", **wrong)(view)
        view = limiter.limit(limit, key_func=get_remote_address, scope="wrong-code-address", **wrong)(view)
        app.view_functions[endpoint] = view
    return limiter
