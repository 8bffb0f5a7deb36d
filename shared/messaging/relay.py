"""The outbox relay: sends unsent outbox rows to their subscribers' queues and marks them sent.

Woken through a Redis list right after a commit (low latency); sweeps every few seconds anyway
(crash recovery: a producer killed between its commit and the wake-up). Several relays may run: on
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
from sqlalchemy import delete, select, update

from shared.contracts.subscriptions import handler_task, subscribers
from shared.db import Database, utcnow
from shared.messaging.outbox import OutboxMixin

log = logging.getLogger(__name__)


class RelayWakeup:
    """A Redis list used as a doorbell between committing processes and the relay."""

    def __init__(self, redis_url: str, service: str):
        # Short timeouts: ringing happens in web requests after commit, and a half-open connection
        # must not hang a request or the relay (BLPOP waits at most 25 s, below the socket's 30 s).
        self.client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=30)
        self.key = f"knoop:outbox:{service}:wake"
        self._bell_connection: tuple[int, redis.Connection] | None = None
        self._bell_lock = threading.Lock()

    def ring(self) -> None:
        """LPUSH without waiting for Redis's answer, on a connection of its own that Redis does not
        answer on (CLIENT REPLY OFF): a ring after every commit that wrote an event costs one write,
        not a round trip. A ring written into a connection the server has just closed is lost; the
        next ring reconnects, and the relay's sweep sends whatever a lost ring announced."""
        with self._bell_lock:
            try:
                self._bell().send_command("LPUSH", self.key, 1)
            except (redis.ConnectionError, OSError):
                self._bell_connection = None  # broken: one new connection, one more try
                self._bell().send_command("LPUSH", self.key, 1)

    def _bell(self) -> redis.Connection:
        pid = os.getpid()
        if self._bell_connection is None or self._bell_connection[0] != pid:  # none yet, or forked
            pool = self.client.connection_pool
            connection = pool.connection_class(**pool.connection_kwargs)
            connection.connect()
            connection.send_command("CLIENT", "REPLY", "OFF")
            self._bell_connection = (pid, connection)
        return self._bell_connection[1]

    def wait(self, timeout: float) -> None:
        """Block until rung or `timeout` seconds pass; several rings count as one."""
        if self.client.blpop([self.key], timeout=min(max(timeout, 0.01), 25)):
            self.client.delete(self.key)


def celery_publisher(celery_app) -> Callable[[dict], None]:
    """Publishing = one durable task per subscribing service, by name, on that service's queue."""

    def publish(message: dict) -> None:
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

    def sweep(self) -> int:
        """Send everything that is waiting; returns the count."""
        total = 0
        while sent := self.send_batch():
            total += sent
        return total

    def run(
        self, wakeup: RelayWakeup, sweep_seconds: float, should_stop: Callable[[], bool] = lambda: False
    ) -> None:
        """The relay process's loop: sweep, then wait for a doorbell or the next sweep. Neither the
        database nor Redis being away ends it: the rows stay unsent and are tried again."""
        while not should_stop():
            try:
                sent = self.sweep()
                if sent:
                    log.info("relayed %d event(s)", sent)
                wakeup.wait(sweep_seconds)
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

    def prune(self, retention: timedelta) -> int:
        """Forget sent rows older than the retention period."""
        cutoff = utcnow() - retention
        with self.db.transaction() as session:
            result = session.execute(
                delete(self.model).where(self.model.sent_at.is_not(None), self.model.sent_at < cutoff)
            )
            return result.rowcount
