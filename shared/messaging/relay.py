"""The outbox relay: sends unsent outbox rows to their subscribers' queues and marks them sent.

Woken through a Redis list right after a commit (low latency); sweeps every few seconds anyway
(crash recovery: a producer killed between its commit and the wake-up). A process rings at most once
every RING_GAP_SECONDS, and a woken relay keeps looking every POLL_SECONDS until LINGER_SECONDS
(longer than the gap) pass without an event: the events a process did not ring for are found all
the same, and under load a ring costs next to nothing per event. Several relays may run: on
PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED; a row sent twice is harmless because every
consumer is idempotent by event id.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import delete, select, update

from shared.contracts.subscriptions import handler_task, subscribers
from shared.db import Database, utcnow
from shared.messaging.commands import is_command, own_queue
from shared.messaging.outbox import OutboxMixin

log = logging.getLogger(__name__)

BELL_PAUSE_SECONDS = 5.0
RING_GAP_SECONDS = 0.1
LINGER_SECONDS = 0.3  # > RING_GAP_SECONDS, so an event a process did not ring for is still found
POLL_SECONDS = 0.01
# Batches one round of the loop sends before it asks should_stop again, which also touches the
# liveness file: a backlog (after an outbox replay, a long Redis outage) must not look like a hang.
ROUND_BATCHES = 20


class RelayWakeup:
    """A Redis list used as a doorbell between committing processes and the relay."""

    def __init__(self, redis_url: str, service: str, gap: float = RING_GAP_SECONDS):
        # Short timeouts: ringing happens in web requests after commit, and a half-open connection
        # must not hang a request or the relay (BLPOP waits at most 25 s, below the socket's 30 s).
        self.client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=30)
        self.key = f"knoop:outbox:{service}:wake"
        self._bell_state: tuple[int, redis.Connection, threading.Lock] | None = None
        self._quiet_until = 0.0
        self._gap = gap
        self._next_ring = 0.0

    def ring(self) -> None:
        """LPUSH without waiting for Redis's answer, on a connection of its own that Redis does not
        answer on (CLIENT REPLY OFF, sent again on every reconnect): a ring after every commit that
        wrote an event costs one write, not a round trip. A ring written into a connection the
        server has just closed is lost; the next one reconnects. After a failure, rings pause for
        a few seconds rather than slow every request while Redis is away. The relay's sweep sends
        whatever a lost ring announced.

        Within `gap` seconds of its last ring a process does not ring again: the relay it woke is
        still looking (LINGER_SECONDS). Ringing after every commit took a redemption at the
        counter about a tenth of a millisecond of CPU under load."""
        now = time.monotonic()
        if now < self._quiet_until or now < self._next_ring:
            return
        _, connection, lock = self._bell()
        # LTRIM: a relay that keeps looking (LINGER_SECONDS) empties the list only when it waits
        # again, perhaps not for hours under load; one ring in the list is as good as many.
        ring = connection.pack_commands([("LPUSH", self.key, 1), ("LTRIM", self.key, 0, 0)])
        with lock:
            try:
                try:
                    connection.send_packed_command(ring, check_health=False)
                except redis.RedisError:  # redis-py has dropped the socket: one try on a new one
                    connection.send_packed_command(ring, check_health=False)
            except redis.RedisError:
                self._quiet_until = time.monotonic() + BELL_PAUSE_SECONDS
                raise
            self._next_ring = now + self._gap

    def _bell(self) -> tuple[int, redis.Connection, threading.Lock]:
        state = self._bell_state
        if state is None or state[0] != os.getpid():  # none yet, or inherited across a fork
            pool = self.client.connection_pool
            options = {
                **pool.connection_kwargs,
                "socket_timeout": 2,  # a write, never a wait for a reply
                "retry": Retry(NoBackoff(), 0),
                "health_check_interval": 0,  # a PING would get no answer here
            }
            connection = pool.connection_class(**options)
            connection.register_connect_callback(self._replies_off)
            state = self._bell_state = (os.getpid(), connection, threading.Lock())
        return state

    def _replies_off(self, connection: redis.Connection) -> None:
        connection.send_command("CLIENT", "REPLY", "OFF", check_health=False)

    def wait(self, timeout: float) -> bool:
        """Block until rung or `timeout` seconds pass; True if rung. Several rings count as one."""
        if self.client.blpop([self.key], timeout=min(max(timeout, 0.01), 25)):
            self.client.delete(self.key)
            return True
        return False


def celery_publisher(celery_app) -> Callable[[dict], None]:
    """Publishing = one durable task per subscribing service, by name, on that service's queue; a
    command (`shared.messaging.commands`) is its own service's task, on that service's queue."""

    def publish(message: dict) -> None:
        if is_command(message):
            task = message["task"]
            celery_app.send_task(task, args=[message], queue=own_queue(task), task_id=message["id"])
            return
        for service in subscribers(message["type"]):
            celery_app.send_task(
                handler_task(service),
                args=[message],
                queue=service,
                task_id=f"{message['id']}:{service}",
            )

    return publish


class OutboxRelay:
    """Moves committed outbox rows onto the message bus."""

    def __init__(
        self,
        db: Database,
        model: type[OutboxMixin],
        publish: Callable[[dict], None],
        batch_size: int = 200,
    ):
        self.db = db
        self.model = model
        self.publish = publish
        self.batch_size = batch_size

    def send_batch(self) -> int:
        """Send one batch of unsent rows, oldest first; returns how many were sent."""
        with self.db.transaction() as session:
            rows = session.scalars(
                select(self.model)
                .where(self.model.sent_at.is_(None))
                .order_by(self.model.id)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                self.publish(row.message)
                row.sent_at = utcnow()
            return len(rows)

    def sweep(self, batches: int | None = None) -> int:
        """Send everything that is waiting, or at most `batches` batches of it; returns the count."""
        total, rounds = 0, 0
        while (batches is None or rounds < batches) and (sent := self.send_batch()):
            total, rounds = total + sent, rounds + 1
        return total

    def run(
        self, wakeup: RelayWakeup, sweep_seconds: float, should_stop: Callable[[], bool] = lambda: False
    ) -> None:
        """The relay process's loop: sweep, then wait for a doorbell or the next sweep; once rung
        or busy, look again every POLL_SECONDS until LINGER_SECONDS pass without an event (rings
        come at most every RING_GAP_SECONDS per process). Neither the database nor Redis being
        away ends it: the rows stay unsent and are tried again."""
        lingering_until = 0.0
        while not should_stop():
            try:
                sent = self.sweep(ROUND_BATCHES)
                if sent:
                    log.info("relayed %d event(s)", sent)
                    lingering_until = time.monotonic() + LINGER_SECONDS
                if time.monotonic() < lingering_until:
                    # A plain sleep: Redis ends a blocked BLPOP only on its own clock (10 times a
                    # second), far coarser than POLL_SECONDS. Rings meanwhile wait in the list.
                    time.sleep(POLL_SECONDS)
                elif wakeup.wait(sweep_seconds):
                    lingering_until = time.monotonic() + LINGER_SECONDS
            except Exception:
                log.exception("relay round failed; trying again in %.1fs", sweep_seconds)
                time.sleep(sweep_seconds)

    def replay_since(self, since: datetime) -> int:
        """Operator recovery (e.g. Redis lost its data): mark events since `since` unsent again."""
        with self.db.transaction() as session:
            result = session.execute(
                update(self.model).where(self.model.created_at >= since).values(sent_at=None)
            )
            return result.rowcount

    def prune(
        self, retention: timedelta, short_lived: tuple[str, ...] = (), short: timedelta | None = None
    ) -> int:
        """Forget sent rows older than the retention period, and sent rows of the `short_lived`
        types (payloads that are all of a person's data) once `short` has passed."""
        cutoff = utcnow() - retention
        with self.db.transaction() as session:
            result = session.execute(
                delete(self.model).where(self.model.sent_at.is_not(None), self.model.sent_at < cutoff)
            )
            pruned = result.rowcount
            if short_lived and short is not None:
                pruned += session.execute(
                    delete(self.model).where(
                        self.model.type.in_(short_lived),
                        self.model.sent_at.is_not(None),
                        self.model.sent_at < utcnow() - short,
                    )
                ).rowcount
            return pruned
