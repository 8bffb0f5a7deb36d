"""Recruitment's Celery tasks: thin entry points that hand work to the consumer and use cases."""

from __future__ import annotations

from celery import Celery

from services.recruitment.handlers import EVENT_HANDLERS
from shared.messaging.consumer import consume, register_housekeeping


def register_tasks(celery: Celery, kit) -> None:
    @celery.task(name="recruitment.handle_event")
    def handle_event(message: dict) -> None:
        consume(kit, EVENT_HANDLERS, message)

    register_housekeeping(celery, kit)
