"""Appreciation's Celery tasks."""

from __future__ import annotations

from celery import Celery

from services.appreciation.handlers import LEGACY_COMMANDS, command_handlers, event_handlers
from services.appreciation.links import Links
from services.appreciation.usecases import follow_ups, invitations, retention
from shared.messaging.commands import register_commands, run_command
from shared.messaging.consumer import consume, register_housekeeping
from shared.retention import register_retention


def register_tasks(celery: Celery, kit, links: Links) -> None:
    handlers, commands = event_handlers(links), command_handlers(links)

    @celery.task(name="appreciation.handle_event")
    def handle_event(message: dict) -> None:
        legacy = LEGACY_COMMANDS.get(message.get("type"))
        if legacy is not None:
            run_command(kit, commands, {**message, "task": legacy})
            return
        consume(kit, handlers, message)

    @celery.task(name="appreciation.lapse_offers")
    def lapse_offers() -> int:
        """Beat: places offered from the waiting list and not taken in time go to the next person."""
        with kit.db.transaction() as session:
            return invitations.lapse_offers(session, links)

    @celery.task(name="appreciation.send_reminders")
    def send_reminders() -> int:
        """Beat: one reminder per person signed up, `KNOOP_EVENT_REMINDER_DAYS` before the event."""
        with kit.db.transaction() as session:
            return follow_ups.send_reminders(session, links, kit.settings.event_reminder_days)

    @celery.task(name="appreciation.ask_feedback")
    def ask_feedback() -> int:
        """Beat: after an event, one feedback question per person who came."""
        with kit.db.transaction() as session:
            return follow_ups.ask_feedback(session, links)

    register_commands(celery, kit, commands)
    register_housekeeping(celery, kit)
    for task, every in (("send_reminders", 600), ("ask_feedback", 600)):
        celery.conf.beat_schedule[f"appreciation-{task.replace('_', '-')}"] = {
            "task": f"appreciation.{task}",
            "schedule": every,
            "options": {"queue": "appreciation"},
        }
    celery.conf.beat_schedule["appreciation-lapse-offers"] = {
        "task": "appreciation.lapse_offers",
        "schedule": 60,
        "options": {"queue": "appreciation"},
    }
    days = kit.settings.retain_redemption_attempts_days
    register_retention(celery, kit, lambda db, now: retention.apply(db, now, days))
