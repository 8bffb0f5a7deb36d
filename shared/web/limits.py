"""Rate limits: public endpoints that write (responses, sign-ups) and places where a code is tried
(pass numbers at a counter). Flask-Limiter with its counters in Redis, so every web process shares
them; one limiter per app. Over the limit: 429 (JSON on API paths)."""

from __future__ import annotations

import logging
import time

from flask import Flask, abort, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from redis import Redis, RedisError

from shared.auth import current_principal

log = logging.getLogger(__name__)


def _limiter(app: Flask, redis_url: str) -> tuple[Limiter, set[str]]:
    """The app's limiter and the endpoints it limits."""
    if "knoop_limiter" not in app.extensions:
        limiter = Limiter(
            get_remote_address, app=app, storage_uri=redis_url, strategy="fixed-window", headers_enabled=True
        )
        limited: set[str] = set()
        # Flask-Limiter looks at every request of the app for limits, though only a few endpoints
        # have any: the others are waved through before that lookup (35 µs of CPU down to 14).
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


class WrongCodeGuard:
    """Stops guessing of codes (pass numbers) per partner and per client address, in fixed windows.

    Only wrong codes count (the answer is 404), so honest use never notices. A wrong code costs one
    pipelined INCR + EXPIRE of both counters in Redis, shared by every web process; the counts it
    returns tell this process which of them reached the limit, and it refuses those (429) until
    the window ends, without asking Redis before each attempt (a round trip on every tap at the
    counter). Another process learns of the limit at its own next wrong code, so a guesser spread
    over all of them gets at most one extra try per process and window, and attempts already in
    flight still finish: at 10^11 numbers that changes nothing. If Redis is unreachable the counter
    keeps working (the partner login and the check digit still stand) and the failure is logged: a
    queue at the counter matters more.
    """

    def __init__(self, redis_url: str, limit: str, endpoints: list[str]):
        parsed = parse(limit)
        self.amount, self.seconds = parsed.amount, parsed.get_expiry()
        self.redis = Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.endpoints = set(endpoints)
        self._over: set[str] = set()  # counters of the current window known to be at the limit
        self._window = 0

    def _keys(self) -> list[str]:
        window = int(time.time() // self.seconds)
        if window != self._window:  # a new window: everyone starts again
            self._window, self._over = window, set()
        principal = current_principal()
        who = [f"partner:{principal.partner_id}"] if principal and principal.partner_id else []
        return [f"knoop:wrong-codes:{w}:{window}" for w in (*who, f"address:{get_remote_address()}")]

    def _guarded(self) -> bool:
        return request.method == "POST" and request.endpoint in self.endpoints

    def install(self, app: Flask) -> None:
        @app.before_request
        def _refuse_when_over():
            # Nothing over the limit in this process (nearly always): nothing to look up.
            if self._over and self._guarded() and not self._over.isdisjoint(self._keys()):
                abort(429, description="Too many wrong codes; try again later.")
            return None

        @app.after_request
        def _count_wrong(response):
            if response.status_code == 404 and self._guarded():
                keys = self._keys()
                try:
                    with self.redis.pipeline(transaction=False) as pipe:
                        for key in keys:
                            pipe.incr(key)
                            pipe.expire(key, self.seconds)
                        counts = pipe.execute()[::2]
                except RedisError as exc:
                    log.warning("wrong-code guard could not count a wrong code: %s", exc)
                    return response
                reached = (key for key, count in zip(keys, counts, strict=True) if count >= self.amount)
                self._over.update(reached)
            return response


def limit_wrong_codes(app: Flask, redis_url: str, limit: str, endpoints: list[str]) -> WrongCodeGuard:
    """Count only answers that say "no such code" (404) against `limit`, per logged-in partner and
    per client address: guessing pass numbers stops, honest use never notices."""
    guard = WrongCodeGuard(redis_url, limit, endpoints)
    guard.install(app)
    return guard
