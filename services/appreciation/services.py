"""Appreciation's use cases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.appreciation.models import DiscountPartner, NetworkReplica, OrganisationReplica


class NotFound(Exception):
    """No such record in the caller's network."""


def network_by_slug(session: Session, slug: str) -> NetworkReplica:
    network = session.scalar(select(NetworkReplica).where(NetworkReplica.slug == slug))
    if network is None:
        raise NotFound("no such network")
    return network


def admit_discount_partner(session: Session, network_id: str, fields: dict) -> DiscountPartner:
    partner = DiscountPartner(network_id=network_id, **fields)
    session.add(partner)
    session.flush()
    return partner


def discount_partners(session: Session) -> list[DiscountPartner]:
    return list(session.scalars(select(DiscountPartner).order_by(DiscountPartner.name)))


def member_organisations(session: Session) -> list[OrganisationReplica]:
    return list(session.scalars(select(OrganisationReplica).order_by(OrganisationReplica.name)))
