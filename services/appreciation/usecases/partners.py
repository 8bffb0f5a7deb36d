"""Discount partners and the network they serve: admitting a partner (with its API token), its
contact, and the replicas of the registry the pages and the API look networks up in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.appreciation.domain.errors import NotFound
from services.appreciation.links import Links
from services.appreciation.models import ApiToken, DiscountPartner, NetworkReplica, OrganisationReplica
from services.appreciation.usecases.common import outbox
from shared.api_tokens import issue_token
from shared.db import utcnow
from shared.identity import Role


def network_by_slug(session: Session, slug: str) -> NetworkReplica:
    """The network with this slug (its replica here)."""
    network = session.scalar(select(NetworkReplica).where(NetworkReplica.slug == slug))
    if network is None:
        raise NotFound("no such network")
    return network


def networks(session: Session) -> list[NetworkReplica]:
    """Every network appreciation knows of, by name."""
    return list(session.scalars(select(NetworkReplica).order_by(NetworkReplica.name)))


def admit_discount_partner(
    session: Session, network_id: str, fields: dict, links: Links
) -> tuple[DiscountPartner, str]:
    """The coordinator admits a partner; it gets an API token of its own for its till system.
    Appreciation issues it (only this service serves discount partners) and keeps its hash. Its
    contact is welcomed by e-mail with the address of its login page."""
    partner = DiscountPartner(network_id=network_id, **fields)
    session.add(partner)
    session.flush()
    _welcome(session, partner, links)
    _, token = issue_token(
        session,
        ApiToken,
        name=f"discount partner {partner.name}",
        role=Role.DISCOUNT_PARTNER,
        network_id=network_id,
        partner_id=partner.id,
    )
    return partner, token


def _welcome(session: Session, partner: DiscountPartner, links: Links) -> None:
    network = session.get(NetworkReplica, partner.network_id)
    if not partner.contact_email or network is None:
        # No address to welcome (the coordinator adds one later; login links then go there), or
        # the network's replica has not arrived yet, so there is no login page to point to.
        return
    recipient = {
        "name": partner.contact_name or partner.name,
        "email": partner.contact_email,
        "language": partner.language,
    }
    welcome = {
        "partner_id": partner.id,
        "recipient": recipient,
        "partner_name": partner.name,
        "network_name": network.name,
        "login_url": links.url(f"/waardering/n/{network.slug}/inloggen"),
    }
    outbox.add(session, "appreciation.partner_admitted.v1", partner.network_id, welcome)


def partner(session: Session, network_id: str, partner_id: str) -> DiscountPartner:
    """One of this network's partners; another network's is as unknown as a made-up id."""
    found = session.get(DiscountPartner, partner_id)
    if found is None or found.network_id != network_id:
        raise NotFound("no such discount partner")
    return found


def update_partner(session: Session, network_id: str, partner_id: str, changes: dict) -> DiscountPartner:
    """The coordinator changes a partner's name or contact (where its login links go)."""
    found = partner(session, network_id, partner_id)
    for name, value in changes.items():
        setattr(found, name, value)
    return found


def partner_tokens(session: Session, network_id: str, partner_id: str) -> list[ApiToken]:
    """A partner's till tokens (never the secret), the newest first; revoked ones too."""
    partner(session, network_id, partner_id)
    query = select(ApiToken).where(ApiToken.network_id == network_id, ApiToken.partner_id == partner_id)
    return list(session.scalars(query.order_by(ApiToken.created_at.desc())))


def revoke_partner_token(session: Session, network_id: str, partner_id: str, token_id: str) -> ApiToken:
    """The coordinator revokes a partner's till token (a till lost or replaced); redemptions re-check
    revocation in their own query, so it stops working at once."""
    token = session.get(ApiToken, token_id)
    if token is None or token.network_id != network_id or token.partner_id != partner_id:
        raise NotFound("no such token")
    token.revoked_at = token.revoked_at or utcnow()
    return token


def discount_partners(session: Session) -> list[DiscountPartner]:
    """The network's discount partners, by name."""
    return list(session.scalars(select(DiscountPartner).order_by(DiscountPartner.name)))


def member_organisations(session: Session) -> list[OrganisationReplica]:
    """The network's member organisations, by name."""
    return list(session.scalars(select(OrganisationReplica).order_by(OrganisationReplica.name)))
