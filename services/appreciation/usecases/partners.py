"""Discount partners and the network they serve: admitting a partner (with its API token), its
contact, its till keys (issued, listed, revoked), removing it, and the replicas of the registry the
pages and the API look networks up in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.appreciation.domain.clock import local_date
from services.appreciation.domain.errors import NotFound
from services.appreciation.links import Links
from services.appreciation.models import (
    ApiToken,
    DiscountPartner,
    NetworkReplica,
    Offer,
    OrganisationReplica,
)
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
    _, token = _issue(session, partner, "")
    return partner, token


def _issue(session: Session, partner: DiscountPartner, name: str) -> tuple[ApiToken, str]:
    return issue_token(
        session,
        ApiToken,
        name=name or f"discount partner {partner.name}",
        role=Role.DISCOUNT_PARTNER,
        network_id=partner.network_id,
        partner_id=partner.id,
    )


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


def partner(session: Session, network_id: str, partner_id: str, lock: bool = False) -> DiscountPartner:
    """One of this network's partners, removed or not; another network's is as unknown as a
    made-up id. With `lock`, its row stays locked to this transaction (PostgreSQL; SQLite has one
    writer at a time anyway): a removal and a new key or offer wait for each other."""
    found = session.get(DiscountPartner, partner_id, with_for_update=lock or None)
    if found is None or found.network_id != network_id:
        raise NotFound("no such discount partner")
    return found


def live_partner(session: Session, network_id: str, partner_id: str, lock: bool = False) -> DiscountPartner:
    """One of this network's partners that was not removed: a removed one is no longer edited,
    nor given keys."""
    found = partner(session, network_id, partner_id, lock)
    if found.removed_at is not None:
        raise NotFound("no such discount partner")
    return found


def is_active(session: Session, partner_id: str | None) -> bool:
    """Whether this partner may still act (log in, use its pages): it exists and was not removed."""
    found = session.get(DiscountPartner, partner_id) if partner_id else None
    return found is not None and found.removed_at is None


def update_partner(session: Session, network_id: str, partner_id: str, changes: dict) -> DiscountPartner:
    """The coordinator changes a partner's name or contact (where its login links go)."""
    found = live_partner(session, network_id, partner_id)
    for name, value in changes.items():
        setattr(found, name, value)
    return found


def partner_tokens(session: Session, network_id: str, partner_id: str) -> list[ApiToken]:
    """A partner's till tokens (never the secret), the newest first; revoked ones too."""
    live_partner(session, network_id, partner_id)
    query = select(ApiToken).where(ApiToken.network_id == network_id, ApiToken.partner_id == partner_id)
    return list(session.scalars(query.order_by(ApiToken.created_at.desc())))


def issue_partner_token(
    session: Session, network_id: str, partner_id: str, name: str = ""
) -> tuple[ApiToken, str]:
    """The coordinator issues another till token to a partner (a new till); returns it with the
    secret, which exists only in this answer (Knoop keeps its hash)."""
    token, secret = _issue(session, live_partner(session, network_id, partner_id, lock=True), name)
    session.flush()  # its id and creation moment, for the answer
    return token, secret


def revoke_partner_token(session: Session, network_id: str, partner_id: str, token_id: str) -> ApiToken:
    """The coordinator revokes a partner's till token (a till lost or replaced); redemptions re-check
    revocation in their own query, so it stops working at once."""
    token = session.get(ApiToken, token_id)
    if token is None or token.network_id != network_id or token.partner_id != partner_id:
        raise NotFound("no such token")
    token.revoked_at = token.revoked_at or utcnow()
    return token


@dataclass(frozen=True)
class Removal:
    """What removing a partner ends: its current offers and its till keys still in use."""

    offers: int
    tokens: int


def _live_offers(session: Session, partner_id: str) -> list[Offer]:
    today = local_date(utcnow())
    current = or_(Offer.valid_until.is_(None), Offer.valid_until >= today)
    query = select(Offer).where(Offer.partner_id == partner_id, Offer.withdrawn_at.is_(None), current)
    return list(session.scalars(query))


def _live_tokens(session: Session, partner: DiscountPartner) -> list[ApiToken]:
    query = select(ApiToken).where(
        ApiToken.network_id == partner.network_id,
        ApiToken.partner_id == partner.id,
        ApiToken.revoked_at.is_(None),
    )
    return list(session.scalars(query))


def removal(session: Session, network_id: str, partner_id: str) -> Removal:
    """What removing this partner would end (the confirmation page says it)."""
    found = live_partner(session, network_id, partner_id)
    return Removal(len(_live_offers(session, found.id)), len(_live_tokens(session, found)))


def remove_partner(session: Session, network_id: str, partner_id: str) -> Removal:
    """The coordinator removes a partner: its current offers end, every till key of it is revoked,
    and its login links and page sessions are refused from now on (`is_active`). Its redemptions
    stay in the figures. Removing it again changes nothing."""
    found = partner(session, network_id, partner_id, lock=True)
    now = utcnow()
    found.removed_at = found.removed_at or now
    offers, tokens = _live_offers(session, found.id), _live_tokens(session, found)
    for offer in offers:
        offer.withdrawn_at = now
    for token in tokens:
        token.revoked_at = now
    return Removal(len(offers), len(tokens))


def discount_partners(session: Session) -> list[DiscountPartner]:
    """The network's discount partners that were not removed, by name."""
    query = select(DiscountPartner).where(DiscountPartner.removed_at.is_(None))
    return list(session.scalars(query.order_by(DiscountPartner.name)))


def member_organisations(session: Session) -> list[OrganisationReplica]:
    """The network's member organisations, by name."""
    return list(session.scalars(select(OrganisationReplica).order_by(OrganisationReplica.name)))
