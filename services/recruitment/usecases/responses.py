"""Responses (warm referral): a volunteer answers once and every co-publisher is told at once."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.links import Links
from services.recruitment.models import CoPublisher, Organisation, Response, Vacancy
from services.recruitment.usecases.common import Conflict, audit, get, network_of, outbox, recipient
from shared.db import utcnow
from shared.identity import Principal


class VacancyNotOpen(domain.DomainError):
    """The vacancy is no longer published: responding is not possible."""


class AlreadyResponded(Conflict):
    """This person (e-mail address) has responded to this vacancy before: nothing is sent again."""


def respond(session: Session, vacancy_id: str, fields: dict, links: Links) -> Response:
    """Record a response (with consent) and tell the volunteer and every publisher; once per person
    and vacancy (AlreadyResponded for a repeat, also for one that races the first)."""
    vacancy = get(session, Vacancy, vacancy_id, "vacancy")
    if vacancy.status != domain.VacancyStatus.PUBLISHED:
        raise VacancyNotOpen("this vacancy is no longer open for responses")
    fields = {**{k: v for k, v in fields.items() if k != "consent"}, "email": fields["email"].strip().lower()}
    if _responded(session, vacancy.id, fields["email"]):
        raise AlreadyResponded("you have already responded to this vacancy")
    response = Response(network_id=vacancy.network_id, vacancy=vacancy, **fields)
    try:
        with session.begin_nested():  # a twin that committed first: the unique key says so
            session.add(response)
    except IntegrityError:
        raise AlreadyResponded("you have already responded to this vacancy") from None
    outbox.add(
        session,
        "recruitment.response_received.v1",
        vacancy.network_id,
        {
            "response_id": response.id,
            "vacancy_id": vacancy.id,
            "title": vacancy.title,
            "network_name": network_of(session, vacancy.network_id).name,
            "volunteer": {"name": response.name, "email": response.email, "language": response.language},
            "phone": response.phone,
            "motivation": response.motivation,
            "availability": response.availability,
            "publishers": [recipient(o) for o in domain.publishers(vacancy)],
            "url": links.url(f"/vacatures/{vacancy.id}"),
            "portal_url": links.url(f"/portaal/reacties/{response.id}"),
        },
    )
    return response


def _responded(session: Session, vacancy_id: str, email: str) -> bool:
    found = select(Response.id).where(Response.vacancy_id == vacancy_id, Response.email == email)
    return session.scalar(found) is not None


def _publisher_vacancies(organisation_id: str):
    accepted = select(CoPublisher.vacancy_id).where(
        CoPublisher.organisation_id == organisation_id, CoPublisher.status == "accepted"
    )
    return select(Vacancy.id).where(or_(Vacancy.organisation_id == organisation_id, Vacancy.id.in_(accepted)))


def member_responses(
    session: Session, principal: Principal, status: str | None = None, vacancy_id: str | None = None
) -> list[Response]:
    """Responses to vacancies the member publishes (drafted or co-published), newest first; only
    those with `status`, or to one vacancy, when asked."""
    query = select(Response).where(Response.vacancy_id.in_(_publisher_vacancies(principal.organisation_id)))
    if status:
        query = query.where(Response.status == status)
    if vacancy_id:
        query = query.where(Response.vacancy_id == vacancy_id)
    return list(session.scalars(query.order_by(Response.created_at.desc())).unique())


def export_responses(session: Session, principal: Principal) -> list[Response]:
    """Every response to the member's vacancies, as the API hands them to a system; audited."""
    rows = member_responses(session, principal)
    audit.record(session, principal, "responses.list", "", len(rows))
    return rows


def get_for_publisher(session: Session, principal: Principal, response_id: str) -> Response:
    response = get(session, Response, response_id, "response")
    if not domain.is_publisher(principal, response.vacancy):
        raise domain.NotAllowed("only the vacancy's publishers see its responses")
    return response


def set_status(
    session: Session, principal: Principal, response_id: str, status: str, note: str | None = None
) -> Response:
    """A publisher moves a response on, with an optional note for the other publishers."""
    response = get_for_publisher(session, principal, response_id)
    domain.change_response_status(response, status, utcnow(), note)
    return response


def send_reminders(session: Session, now: datetime, after: timedelta) -> int:
    """Beat: publishers that have not acted on a response for `after` get one reminder."""
    due = [
        r
        for r in session.scalars(
            select(Response).where(
                Response.status == "new",
                Response.reminder_sent_at.is_(None),
                Response.created_at <= now - after,
            )
        ).unique()
        if domain.needs_reminder(r, now, after)
    ]
    for response in due:
        response.reminder_sent_at = now
        outbox.add(
            session,
            "recruitment.response_reminder_due.v1",
            response.network_id,
            {
                "response_id": response.id,
                "title": response.vacancy.title,
                "volunteer_name": response.name,
                "days": after.days,
                "network_name": network_of(session, response.network_id).name,
                "publishers": [recipient(o) for o in domain.publishers(response.vacancy)],
            },
        )
    return len(due)


def ask_match_questions(session: Session, now: datetime, after: timedelta, links: Links) -> int:
    """Beat: two weeks on, the volunteer and the drafting member are asked: did it click?"""
    due = (
        session.scalars(
            select(Response).where(Response.match_asked_at.is_(None), Response.created_at <= now - after)
        )
        .unique()
        .all()
    )
    for response in due:
        response.match_asked_at = now
        organisation = response.vacancy.organisation
        outbox.add(
            session,
            "recruitment.match_question_due.v1",
            response.network_id,
            {
                "response_id": response.id,
                "title": response.vacancy.title,
                "network_name": network_of(session, response.network_id).name,
                "volunteer": {"name": response.name, "email": response.email, "language": response.language},
                "volunteer_yes_url": links.match_answer(response.id, "volunteer", True),
                "volunteer_no_url": links.match_answer(response.id, "volunteer", False),
                "organisation": recipient(organisation),
                "organisation_yes_url": links.match_answer(response.id, "organisation", True),
                "organisation_no_url": links.match_answer(response.id, "organisation", False),
            },
        )
    return len(due)


def record_match_answer(session: Session, response_id: str, who: str, answer: bool) -> Response:
    response = get(session, Response, response_id, "response")
    if who == "volunteer":
        response.volunteer_says_match = answer
    else:
        response.organisation_says_match = answer
    return response


def response_times(session: Session) -> list[dict]:
    """For the coordinator: per member, responses received, acted on, and median hours to act."""
    rows = []
    for organisation in session.scalars(select(Organisation).order_by(Organisation.name)):
        responses = (
            session.scalars(
                select(Response).where(Response.vacancy_id.in_(_publisher_vacancies(organisation.id)))
            )
            .unique()
            .all()
        )
        hours = [
            (r.first_action_at - r.created_at).total_seconds() / 3600 for r in responses if r.first_action_at
        ]
        rows.append(
            {
                "organisation_id": organisation.id,
                "organisation": organisation.name,
                "responses": len(responses),
                "acted_on": len(hours),
                "median_hours_to_act": round(statistics.median(hours), 1) if hours else None,
                "matches": sum(1 for r in responses if r.organisation_says_match or r.volunteer_says_match),
            }
        )
    return rows
