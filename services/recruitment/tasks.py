"""Recruitment's Celery tasks: thin entry points that hand work to the consumer and use cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from celery import Celery

from services.recruitment.handlers import event_handlers
from services.recruitment.links import Links
from services.recruitment.usecases import alerts, privacy_requests, responses, retention, vacancies
from shared.messaging.consumer import consume, register_housekeeping
from shared.retention import register_retention

HOURLY = 3600


def register_tasks(celery: Celery, kit, links: Links) -> None:
    settings = kit.settings
    handlers = event_handlers(links)

    @celery.task(name="recruitment.handle_event")
    def handle_event(message: dict) -> None:
        consume(kit, handlers, message)

    @celery.task(name="recruitment.expire_vacancies")
    def expire_vacancies() -> int:
        with kit.db.transaction() as session:
            return vacancies.expire_due(session, datetime.now(UTC).date())

    @celery.task(name="recruitment.follow_up_responses")
    def follow_up_responses() -> int:
        now = datetime.now(UTC)
        with kit.db.transaction() as session:
            reminded = responses.send_reminders(session, now, timedelta(days=settings.reminder_days))
            asked = responses.ask_match_questions(
                session, now, timedelta(days=settings.match_question_days), links
            )
        return reminded + asked

    @celery.task(name="recruitment.send_alert_digests")
    def send_alert_digests() -> int:
        with kit.db.transaction() as session:
            return alerts.send_digests(session, datetime.now(UTC), links)

    @celery.task(name="recruitment.expire_privacy_requests")
    def expire_privacy_requests() -> int:
        """Forget what expired, and ask a service that has not answered a request once more."""
        with kit.db.transaction() as session:
            now = datetime.now(UTC)
            return privacy_requests.expire(session, now) + privacy_requests.ask_again(session, now)

    register_housekeeping(celery, kit)
    for name in ("expire_vacancies", "follow_up_responses", "send_alert_digests", "expire_privacy_requests"):
        celery.conf.beat_schedule[f"recruitment-{name}"] = {
            "task": f"recruitment.{name}",
            "schedule": HOURLY,
            "options": {"queue": "recruitment"},
        }
    periods = retention.Periods.of(settings)
    register_retention(celery, kit, lambda db, now: retention.apply(db, now, periods))
