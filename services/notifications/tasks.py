"""Notifications' Celery tasks: receive an event, record its deliveries once, then send them."""

from __future__ import annotations

from celery import Celery

from services.notifications.handlers import event_handlers
from services.notifications.usecases import retention
from services.notifications.usecases.deliveries import DeliveryService
from shared.messaging.consumer import consume, register_housekeeping
from shared.retention import register_retention


def register_tasks(celery: Celery, kit, deliveries: DeliveryService) -> None:
    handlers = event_handlers(kit.settings.secret_key)

    @celery.task(name="notifications.handle_event")
    def handle_event(message: dict) -> None:
        event = consume(kit, handlers, message)
        # Also on a redelivery: the first attempt may have died between recording and sending.
        deliveries.deliver_pending(event_id=event.id)

    @celery.task(name="notifications.resume_deliveries")
    def resume_deliveries() -> int:
        """Sweep: send what is due again after a temporary failure, and what a dead sender held."""
        return deliveries.deliver_pending()

    register_housekeeping(celery, kit)
    every = kit.settings.delivery_sweep_seconds
    celery.conf.beat_schedule["notifications-resume-deliveries"] = {
        "task": "notifications.resume_deliveries",
        "schedule": every,
        # A sweep still queued when the next is due is dropped: the next one does its work.
        "options": {"queue": "notifications", "expires": every},
    }
    days = kit.settings.retain_delivery_addresses_days
    register_retention(celery, kit, lambda db, now: retention.apply(db, now, days))
