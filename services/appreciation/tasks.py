"""Appreciation's Celery tasks."""

from __future__ import annotations

from celery import Celery

from services.appreciation import appreciation_events
from services.appreciation.handlers import event_handlers
from services.appreciation.links import Links
from shared.messaging.consumer import consume, register_housekeeping


def register_tasks(celery: Celery, kit, links: Links) -> None:
    handlers = event_handlers(links)

    @celery.task(name="appreciation.handle_event")
    def handle_event(message: dict) -> None:
        consume(kit, handlers, message)

    @celery.task(name="appreciation.lapse_offers")
    def lapse_offers() -> int:
        """Beat: places offered from the waiting list and not taken in time go to the next person."""
        with kit.db.transaction() as session:
            return appreciation_events.lapse_offers(session, links)

    register_housekeeping(celery, kit)
    celery.conf.beat_schedule["appreciation-lapse-offers"] = {
        "task": "appreciation.lapse_offers",
        "schedule": 60,
        "options": {"queue": "appreciation"},
    }
