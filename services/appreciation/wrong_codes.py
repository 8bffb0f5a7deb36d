"""Stops guessing of codes (pass numbers at a counter) per partner and per client address, in fixed
windows: exactly `limit` wrong codes (answered 404) get their answer in a window, however many web
processes share the counters in Redis and however simultaneous the attempts; after that every
attempt is refused (429) until the window ends, a right code too.

Only wrong codes count, so honest use never notices. But whether a code is wrong is known only
once it has been tried, so each attempt takes a slot first: one atomic Redis script per attempt
(one round trip) checks every counter of the caller and holds a slot on each; the answer settles
the slot (one write, no wait): a wrong code keeps it as counted, anything else gives it back. A
counter refuses once its wrong codes reach the limit (closed: stays so until the window ends), and
holds back an attempt while the wrong codes plus the attempts in flight would pass the limit (busy:
the attempt waits up to BUSY_WAIT_SECONDS for the slots in flight to settle, then gets 429 without
closing anything). Honest use is never busy short of `limit` attempts of one partner in flight at
once. A process that has seen a counter closed refuses it without asking.

If Redis does not answer, the counter keeps working unguarded for PAUSE_SECONDS (the partner
login and the check digit still stand) and the failure is logged: a queue at the counter matters
more. A web process killed in the middle of an attempt leaves its slot held until the window ends.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask, abort, g, request
from flask_limiter.util import get_remote_address
from limits import parse
from redis import Connection, ConnectionPool, RedisError

from shared.web.auth import current_principal

log = logging.getLogger(__name__)

COUNTED, CLOSED, BUSY = 0, 1, 2
# The counters live for one window and need no journal: the scripts keep their writes out of the
# AOF and replicas (set_repl), which halves Redis's work per attempt. A Redis restart starts the
# current window again.
# KEYS: the caller's counters (hashes: wrong, pending); ARGV: limit, window seconds.
# Answers {COUNTED}, {BUSY}, or {CLOSED, i, ...} with the positions of the closed counters.
TAKE_SLOT = """
redis.set_repl(redis.REPL_NONE)
local limit, closed, busy = tonumber(ARGV[1]), {1}, false
for i, key in ipairs(KEYS) do
  local counts = redis.call('HMGET', key, 'wrong', 'pending')
  local wrong, pending = tonumber(counts[1] or 0), tonumber(counts[2] or 0)
  if wrong >= limit then closed[#closed + 1] = i elseif wrong + pending >= limit then busy = true end
end
if #closed > 1 then return closed end
if busy then return {2} end
for _, key in ipairs(KEYS) do
  if redis.call('HINCRBY', key, 'pending', 1) == 1 and redis.call('TTL', key) < 0 then
    redis.call('EXPIRE', key, ARGV[2])
  end
end
return {0}
"""
# KEYS: the counters a slot was taken on; ARGV[1]: 1 for a wrong code, 0 otherwise. A counter whose
# window has ended (and key expired) is not brought back.
SETTLE = """
redis.set_repl(redis.REPL_NONE)
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('HINCRBY', key, 'pending', -1)
    if ARGV[1] == '1' then redis.call('HINCRBY', key, 'wrong', 1) end
  end
end
"""
PAUSE_SECONDS = 5.0  # after Redis failed to answer: counters go unguarded rather than slow
BUSY_WAIT_SECONDS = 2.0


def _bulk(value: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(value), value)


def _eval(script: str, keys: list[str], args: tuple) -> bytes:
    """EVAL as Redis reads it (RESP), written here: redis-py's packing is a third of the cost."""
    parts = [script.encode(), b"%d" % len(keys), *(k.encode() for k in keys), *(b"%d" % a for a in args)]
    return b"*%d\r\n$4\r\nEVAL\r\n" % (len(parts) + 1) + b"".join(map(_bulk, parts))


NO_REPLY = b"*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n"  # for the next command


class CounterLine:
    """This process's connection to the counters: a question waits for its answer; a statement is
    written with CLIENT REPLY SKIP, so Redis sends no answer and nobody waits for one. One
    connection, so statements and questions reach Redis in the order this process sent them."""

    def __init__(self, redis_url: str):
        self.pool = ConnectionPool.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._state: tuple[int, threading.Lock, Connection] | None = None

    def _line(self) -> tuple[threading.Lock, Connection]:
        state = self._state
        if state is None or state[0] != os.getpid():  # none yet, or inherited across a fork
            connection = self.pool.connection_class(**self.pool.connection_kwargs)
            state = self._state = (os.getpid(), threading.Lock(), connection)
        return state[1], state[2]

    def ask(self, script: str, keys: list[str], *args: int) -> list:
        lock, connection = self._line()
        with lock:
            try:
                connection.send_packed_command([_eval(script, keys, args)], check_health=False)
                return connection.read_response()
            except RedisError:
                connection.disconnect()
                raise

    def tell(self, script: str, keys: list[str], *args: int) -> None:
        lock, connection = self._line()
        with lock:
            try:
                connection.send_packed_command([NO_REPLY + _eval(script, keys, args)], check_health=False)
            except RedisError:
                connection.disconnect()
                raise


class WrongCodeGuard:
    """The guard of `endpoints` (see the module's docstring)."""

    def __init__(self, redis_url: str, limit: str, endpoints: list[str]):
        parsed = parse(limit)
        self.amount, self.seconds = parsed.amount, parsed.get_expiry()
        self.line = CounterLine(redis_url)
        self.endpoints = set(endpoints)
        self._closed: set[str] = set()  # counters of the current window known to be closed
        self._window = 0
        self._paused_until = 0.0

    def _keys(self) -> list[str]:
        window = int(time.time() // self.seconds)
        if window != self._window:  # a new window: everyone starts again
            self._window, self._closed = window, set()
        principal = current_principal()
        who = [f"partner:{principal.partner_id}"] if principal and principal.partner_id else []
        return [f"knoop:wrong-codes:{w}:{window}" for w in (*who, f"address:{get_remote_address()}")]

    def _guarded(self) -> bool:
        return request.method == "POST" and request.endpoint in self.endpoints

    def _take_slot(self, keys: list[str]) -> bool:
        """Hold a slot for this attempt on every counter; False if the attempt must be refused."""
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        pause = 0.005
        while self._closed.isdisjoint(keys) and time.monotonic() >= self._paused_until:
            try:
                state, *closed = self.line.ask(TAKE_SLOT, keys, self.amount, self.seconds)
            except RedisError as exc:
                self._paused_until = time.monotonic() + PAUSE_SECONDS
                log.warning("wrong-code guard could not count an attempt (unguarded for a while): %s", exc)
                return True
            if state == COUNTED:
                g.knoop_slot = keys
                return True
            if state == CLOSED:
                self._closed.update(keys[i - 1] for i in closed)
            elif time.monotonic() + pause > deadline:
                return False  # busy for too long: refused, and nothing is closed by it
            else:
                time.sleep(pause)  # busy: the attempts in flight settle within milliseconds
                pause = min(pause * 2, 0.05)
        return self._closed.isdisjoint(keys)

    def _settle(self, status: int | None) -> None:
        keys = g.pop("knoop_slot")
        try:
            self.line.tell(SETTLE, keys, 1 if status == 404 else 0)
        except RedisError as exc:  # the slot stays held until the window ends
            log.warning("wrong-code guard could not settle an attempt: %s", exc)

    def install(self, app: Flask) -> None:
        @app.before_request
        def _count_attempt():
            if self._guarded() and not self._take_slot(self._keys()):
                abort(429, description="Too many wrong codes; try again later.")
            return None

        @app.after_request
        def _note_answer(response):
            if "knoop_slot" in g:
                self._settle(response.status_code)
            return response

        @app.teardown_request
        def _unanswered(_exc):
            if "knoop_slot" in g:  # the view failed without an answer: not a wrong code
                self._settle(None)


def limit_wrong_codes(app: Flask, redis_url: str, limit: str, endpoints: list[str]) -> WrongCodeGuard:
    """Count only answers that say "no such code" (404) against `limit`, per logged-in partner and
    per client address: guessing pass numbers stops, honest use never notices."""
    guard = WrongCodeGuard(redis_url, limit, endpoints)
    guard.install(app)
    return guard
