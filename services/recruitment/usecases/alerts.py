"""Alerts: anyone may follow a saved search (double opt-in), immediately or as a daily/weekly digest."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.links import Links
from services.recruitment.models import ActivityCategory, AlertSubscription, Network, Vacancy
from services.recruitment.usecases import consents, search
from services.recruitment.usecases.common import get, network_of, outbox
from shared.db import utcnow

DIGEST_SLACK = timedelta(minutes=10)


def subscribe(
    session: Session,
    network_id: str,
    email: str,
    language: str,
    criteria: dict,
    frequency: str,
    links: Links,
    consent_version: object = None,
) -> AlertSubscription:
    """Record the wish and ask for confirmation; nothing is sent until it is confirmed. The privacy
    text's version shown at sign-up is kept; confirming is the consent, and its moment."""
    subscription = AlertSubscription(
        network_id=network_id,
        email=email.lower(),
        language=language,
        criteria=criteria,
        frequency=frequency,
        consent_version=consents.version_to_record(session, network_id, consent_version),
    )
    session.add(subscription)
    session.flush()
    outbox.add(
        session,
        "recruitment.alert_requested.v1",
        network_id,
        {
            "subscription_id": subscription.id,
            "subscriber": {"name": "", "email": subscription.email, "language": language},
            "network_name": network_of(session, network_id).name,
            "description": describe(session, network_id, criteria),
            "confirm_url": links.alert_confirmation(subscription.id),
        },
    )
    return subscription


def confirm(session: Session, subscription_id: str) -> AlertSubscription:
    subscription = get(session, AlertSubscription, subscription_id, "alert")
    if subscription.unsubscribed_at is None:
        subscription.confirmed_at = subscription.confirmed_at or utcnow()
        subscription.consent_at = subscription.consent_at or subscription.confirmed_at
    return subscription


def unsubscribe(session: Session, subscription_id: str) -> AlertSubscription:
    subscription = get(session, AlertSubscription, subscription_id, "alert")
    subscription.unsubscribed_at = subscription.unsubscribed_at or utcnow()
    return subscription


def describe(session: Session, network_id: str, criteria: dict) -> str:
    """A short, language-neutral summary of a saved search, for its messages."""
    parts = [criteria.get("q", "")]
    if criteria.get("category"):
        category = session.scalar(
            select(ActivityCategory.name).where(
                ActivityCategory.network_id == network_id, ActivityCategory.key == criteria["category"]
            )
        )
        parts.append(category or criteria["category"])
    parts.append(criteria.get("area", ""))
    return " · ".join(p for p in parts if p) or "*"


def _active(frequency: str):
    return select(AlertSubscription).where(
        AlertSubscription.frequency == frequency,
        AlertSubscription.confirmed_at.is_not(None),
        AlertSubscription.unsubscribed_at.is_(None),
    )


def _item(vacancy: Vacancy, links: Links) -> dict:
    return {
        "title": vacancy.title,
        "url": links.url(f"/vacatures/{vacancy.id}"),
        "organisations": [o.name for o in domain.publishers(vacancy)],
    }


def _fits(subscription: AlertSubscription, vacancy: Vacancy) -> bool:
    query = set(search.stems(subscription.criteria.get("q", "")))
    document = set(search.stems(search.document(vacancy))) if query else set()
    return domain.matches(subscription.criteria, vacancy, document, query)


def _send(
    session: Session, subscription: AlertSubscription, network: Network, items: list[dict], links: Links
) -> None:
    page, post = links.alert_unsubscribe(subscription.id)
    outbox.add(
        session,
        "recruitment.alert_due.v1",
        subscription.network_id,
        {
            "subscription_id": subscription.id,
            "subscriber": {"name": "", "email": subscription.email, "language": subscription.language},
            "network_name": network.name,
            "frequency": subscription.frequency,
            "description": describe(session, subscription.network_id, subscription.criteria),
            "vacancies": items,
            "unsubscribe_url": page,
            "unsubscribe_post_url": post,
        },
    )


def announce(session: Session, vacancy: Vacancy, network: Network, links: Links) -> int:
    """On publication: one alert per confirmed 'immediately' subscription that matches."""
    sent = 0
    for subscription in session.scalars(
        _active("immediately").where(AlertSubscription.network_id == vacancy.network_id)
    ):
        if _fits(subscription, vacancy):
            _send(session, subscription, network, [_item(vacancy, links)], links)
            sent += 1
    return sent


def send_digests(session: Session, now: datetime, links: Links) -> int:
    """Beat: daily and weekly subscribers get one message listing the new matching vacancies."""
    sent = 0
    for frequency, period in domain.DIGEST_PERIOD.items():
        for subscription in session.scalars(_active(frequency)).all():
            since = subscription.last_digest_at or subscription.confirmed_at
            if now - since < period - DIGEST_SLACK:  # the hourly beat never lands exactly on time
                continue
            fresh = (
                session.scalars(
                    select(Vacancy)
                    .where(
                        Vacancy.network_id == subscription.network_id,
                        Vacancy.status == domain.VacancyStatus.PUBLISHED,
                        Vacancy.published_at > since,
                        Vacancy.published_at <= now,
                    )
                    .order_by(Vacancy.published_at)
                )
                .unique()
                .all()
            )
            items = [_item(v, links) for v in fresh if _fits(subscription, v)]
            subscription.last_digest_at = now
            if items:
                _send(session, subscription, network_of(session, subscription.network_id), items, links)
                sent += 1
    return sent
