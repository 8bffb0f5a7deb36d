"""Appreciation's use cases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.appreciation.models import ApiToken, DiscountPartner, NetworkReplica, OrganisationReplica
from shared.api_tokens import issue_token
from shared.identity import Role


class NotFound(Exception):
    """No such record in the caller's network."""


def network_by_slug(session: Session, slug: str) -> NetworkReplica:
    network = session.scalar(select(NetworkReplica).where(NetworkReplica.slug == slug))
    if network is None:
        raise NotFound("no such network")
    return network


def networks(session: Session) -> list[NetworkReplica]:
    return list(session.scalars(select(NetworkReplica).order_by(NetworkReplica.name)))


def admit_discount_partner(session: Session, network_id: str, fields: dict) -> tuple[DiscountPartner, str]:
    """The coordinator admits a partner; it gets an API token of its own for its till system.
    Appreciation issues it (only this service serves discount partners) and keeps its hash."""
    partner = DiscountPartner(network_id=network_id, **fields)
    session.add(partner)
    session.flush()
    _, token = issue_token(
        session,
        ApiToken,
        name=f"discount partner {partner.name}",
        role=Role.DISCOUNT_PARTNER,
        network_id=network_id,
        partner_id=partner.id,
    )
    return partner, token


def update_partner(session: Session, partner_id: str, changes: dict) -> DiscountPartner:
    partner = session.get(DiscountPartner, partner_id)
    if partner is None:
        raise NotFound("no such discount partner")
    for name, value in changes.items():
        setattr(partner, name, value)
    return partner


def discount_partners(session: Session) -> list[DiscountPartner]:
    return list(session.scalars(select(DiscountPartner).order_by(DiscountPartner.name)))


def member_organisations(session: Session) -> list[OrganisationReplica]:
    return list(session.scalars(select(OrganisationReplica).order_by(OrganisationReplica.name)))
