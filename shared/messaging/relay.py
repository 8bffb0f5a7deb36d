"""The outbox relay: sends unsent outbox rows to their subscribers' queues and marks them sent.

Woken through a Redis list right after a commit (low latency); sweeps every few seconds anyway
(crash recovery: a producer killed between its commit and the wake-up). Several relays may run: on
PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED; a row sent twice is harmless because every
consumer is idempotent by event id.
"""

from __future__ import annotations

import logging
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
        self.client = redis.Redis.from_url(redis_url, socket_timeout=None)
        self.key = f"knoop:outbox:{service}:wake"

    def ring(self) -> None:
        self.client.lpush(self.key, 1)

    def wait(self, timeout: float) -> None:
        """Block until rung or `timeout` seconds pass; several rings count as one."""
        if self.client.blpop([self.key], timeout=max(timeout, 0.01)):
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
        self,
        wakeup: RelayWakeup,
        sweep_seconds: float,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        """The relay process's loop: sweep, then wait for a doorbell or the next sweep."""
        while not should_stop():
            try:
                sent = self.sweep()
                if sent:
                    log.info("relayed %d event(s)", sent)
            except Exception:  # database or broker briefly away: the rows stay unsent, try again
                log.exception("relay sweep failed; retrying after %.1fs", sweep_seconds)
            wakeup.wait(sweep_seconds)

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
