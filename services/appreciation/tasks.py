"""Appreciation's Celery tasks."""

from __future__ import annotations

from celery import Celery

from services.appreciation.handlers import EVENT_HANDLERS
from shared.messaging.consumer import consume, register_housekeeping


def register_tasks(celery: Celery, kit) -> None:
    @celery.task(name="appreciation.handle_event")
    def handle_event(message: dict) -> None:
        consume(kit, EVENT_HANDLERS, message)

    register_housekeeping(celery, kit)
