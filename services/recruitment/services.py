"""Recruitment's use cases: load, apply the rules, write the change and its event in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.models import (
    ApiToken,
    EducationPartner,
    Network,
    Organisation,
    OutboxMessage,
    Vacancy,
)
from shared.auth import Principal, Role, issue_token
from shared.db import utcnow
from shared.messaging.outbox import Outbox

outbox = Outbox(OutboxMessage, source="recruitment")


class NotFound(domain.DomainError):
    """No such record in the caller's network."""


class Conflict(domain.DomainError):
    """The record would clash with an existing one."""


@dataclass(frozen=True)
class Created:
    """A created record together with the API token issued for it (shown once)."""

    record: object
    token: str


def _issue_token(session: Session, **scope) -> str:
    """Issue a token and tell the other services its hash, so it works behind every prefix."""
    row, token = issue_token(session, ApiToken, **scope)
    outbox.add(
        session,
        "recruitment.api_token_issued.v1",
        row.network_id,
        {
            "token_id": row.id,
            "token_hash": row.token_hash,
            "name": row.name,
            "role": row.role,
            "organisation_id": row.organisation_id,
            "partner_id": row.partner_id,
        },
    )
    return token


def issue_platform_token(session: Session, name: str) -> str:
    return _issue_token(session, name=name, role=Role.PLATFORM, network_id=None)


def revoke_token(session: Session, principal: Principal, token_id: str) -> None:
    """The coordinator revokes a token of its own network (platform operators: any)."""
    row = session.get(ApiToken, token_id)
    if row is None or (principal.role != Role.PLATFORM and row.network_id != principal.network_id):
        raise NotFound("no such token")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        outbox.add(session, "recruitment.api_token_revoked.v1", row.network_id, {"token_id": row.id})


def create_network(session: Session, name: str, slug: str, region: str = "") -> Created:
    """Open a network and issue its coordinator's token."""
    if session.scalar(select(Network).where(Network.slug == slug)):
        raise Conflict(f"a network with slug {slug!r} exists already")
    network = Network(name=name, slug=slug, region=region)
    session.add(network)
    session.flush()
    token = _issue_token(session, name=f"coordinator of {name}", role=Role.COORDINATOR, network_id=network.id)
    outbox.add(
        session,
        "recruitment.network_created.v1",
        network.id,
        {"network_id": network.id, "name": name, "slug": slug, "region": region},
    )
    return Created(network, token)


def admit_organisation(session: Session, network_id: str, fields: dict) -> Created:
    """The coordinator admits a member organisation; it gets its own API token."""
    organisation = Organisation(network_id=network_id, **fields)
    session.add(organisation)
    session.flush()
    token = _issue_token(
        session,
        name=f"organisation {organisation.name}",
        role=Role.ORGANISATION,
        network_id=network_id,
        organisation_id=organisation.id,
    )
    outbox.add(
        session,
        "recruitment.organisation_admitted.v1",
        network_id,
        {
            "organisation_id": organisation.id,
            "name": organisation.name,
            "identity": organisation.identity,
        },
    )
    return Created(organisation, token)


def add_education_partner(session: Session, network_id: str, fields: dict) -> EducationPartner:
    partner = EducationPartner(network_id=network_id, **fields)
    session.add(partner)
    return partner


def draft_vacancy(session: Session, principal: Principal, fields: dict) -> Vacancy:
    """A member organisation drafts a vacancy of its own."""
    if principal.role != Role.ORGANISATION:
        raise domain.NotAllowed("only a member organisation drafts vacancies")
    vacancy = Vacancy(network_id=principal.network_id, organisation_id=principal.organisation_id, **fields)
    session.add(vacancy)
    session.flush()
    session.refresh(vacancy)  # load database defaults and the organisation for the response
    return vacancy


def get_vacancy(session: Session, vacancy_id: str) -> Vacancy:
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise NotFound("no such vacancy")
    return vacancy


def edit_vacancy(session: Session, principal: Principal, vacancy_id: str, changes: dict) -> Vacancy:
    vacancy = get_vacancy(session, vacancy_id)
    domain.ensure_may_edit(principal, vacancy)
    domain.ensure_editable(vacancy)
    for name, value in changes.items():
        setattr(vacancy, name, value)
    return vacancy


def publish_vacancy(session: Session, principal: Principal, vacancy_id: str, public_base_url: str) -> Vacancy:
    """Publish in the vacancy bank and tell the world, in one transaction."""
    vacancy = get_vacancy(session, vacancy_id)
    domain.ensure_may_edit(principal, vacancy)
    domain.publish(vacancy, utcnow())
    organisation = vacancy.organisation
    network = session.get(Network, vacancy.network_id)
    outbox.add(
        session,
        "recruitment.vacancy_published.v1",
        vacancy.network_id,
        {
            "vacancy_id": vacancy.id,
            "title": vacancy.title,
            "organisation_id": organisation.id,
            "organisation_names": [organisation.name],
            "network_name": network.name,
            "url": f"{public_base_url.rstrip('/')}/vacatures/{vacancy.id}",
            "contact_name": organisation.contact_name,
            "contact_email": organisation.contact_email,
            "language": organisation.language,
        },
    )
    return vacancy


def published_vacancies(session: Session, limit: int = 50, offset: int = 0) -> list[Vacancy]:
    """The vacancy bank of the session's network, newest first."""
    return list(
        session.scalars(
            select(Vacancy)
            .where(Vacancy.status == domain.VacancyStatus.PUBLISHED)
            .order_by(Vacancy.published_at.desc(), Vacancy.id)
            .limit(limit)
            .offset(offset)
        )
    )


def network_by_slug(session: Session, slug: str) -> Network:
    network = session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        raise NotFound("no such network")
    return network


def networks(session: Session) -> list[Network]:
    return list(session.scalars(select(Network).order_by(Network.name)))


def organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))
