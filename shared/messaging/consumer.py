"""The body of every service's `<service>.handle_event` task: decode, dedupe, dispatch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from celery import Celery

from shared.contracts.privacy import ACCESS_ANSWERS
from shared.messaging.inbox import Event, Handler, decode, dispatch

PRUNE_EVERY = timedelta(hours=6)


def consume(kit, handlers: Mapping[str, Sequence[Handler]], message: dict) -> Event:
    """Validate the envelope against its contract, then run each handler once for this event id."""
    event = decode(message)
    dispatch(kit.db, kit.tables.inbox, handlers, event)
    return event


def register_housekeeping(celery: Celery, kit) -> None:
    """Periodic upkeep every service shares: forget sent outbox rows after their retention."""
    service = kit.settings.service

    @celery.task(name=f"{service}.prune_outbox")
    def prune_outbox() -> int:
        # An access request's answer is all of a person's data: once sent, recruitment holds it.
        return kit.relay().prune(
            timedelta(days=kit.settings.outbox_retention_days), ACCESS_ANSWERS, PRUNE_EVERY
        )

    celery.conf.beat_schedule = {
        **(celery.conf.beat_schedule or {}),
        f"{service}-prune-outbox": {
            "task": f"{service}.prune_outbox",
            "schedule": PRUNE_EVERY.total_seconds(),
            "options": {"queue": service},
        },
    }
