"""Appreciation's Celery tasks."""

from __future__ import annotations

from celery import Celery

from services.appreciation.handlers import event_handlers
from services.appreciation.links import Links
from shared.messaging.consumer import consume, register_housekeeping


def register_tasks(celery: Celery, kit, links: Links) -> None:
    handlers = event_handlers(links)

    @celery.task(name="appreciation.handle_event")
    def handle_event(message: dict) -> None:
        consume(kit, handlers, message)

    register_housekeeping(celery, kit)
