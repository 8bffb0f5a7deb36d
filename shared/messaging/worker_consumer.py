"""The worker's consumer: every message is screened before Celery sees it, and a poisoned one becomes a
dead letter (raw bytes, queue, reason) and is taken off the queue. The worker goes on with the next.

Celery itself would log and drop a task nobody knows, a message it cannot decode or a message of
the wrong shape, and a body that is not a task's arguments fails inside the pool without a trace.
Set as ``worker_consumer`` by the Celery factory; the dead-letter box is the Celery app's
``knoop_dead_letters``.
"""

from __future__ import annotations

import logging
import time

from celery.worker.consumer.consumer import Consumer as CeleryConsumer
from vine import promise

from shared.messaging.poison import raw_bytes, taken_from, task_reason

log = logging.getLogger(__name__)

# A dead letter that cannot be written (the database is away) puts the message back; this pause
# keeps that from becoming a busy loop.
RECORD_FAILED_PAUSE_SECONDS = 1.0


class Consumer(CeleryConsumer):
    def create_task_handler(self, promise=promise):
        handle = super().create_task_handler(promise)

        def on_task_received(message):
            reason = task_reason(message, self.strategies)
            if reason is not None:
                return self.bury(message, reason)
            try:
                return handle(message)
            except self.connection_errors:
                raise
            except Exception as exc:  # Celery could not take it (an unparseable eta, say)
                log.exception("a message Celery could not take")
                return self.bury(message, f"Celery could not take it: {type(exc).__name__}: {exc}")

        return on_task_received

    def bury(self, message, reason: str) -> None:
        """Keep the message as a dead letter, then acknowledge it; on failure, give it back."""
        headers = message.headers if isinstance(message.headers, dict) else {}
        queue = taken_from(message)
        try:
            letter = self.app.knoop_dead_letters.bury(
                queue,
                raw_bytes(message),
                reason,
                task_id=str(headers.get("id") or message.delivery_tag),
                task_name=str(headers.get("task") or ""),
            )
        except Exception:
            log.exception("could not record a poisoned message from %s; it goes back to the queue", queue)
            time.sleep(RECORD_FAILED_PAUSE_SECONDS)
            message.reject_log_error(log, self.connection_errors, requeue=True)
            return
        log.error("poisoned message on %s became dead letter %s: %s", queue, letter, reason)
        message.ack()
