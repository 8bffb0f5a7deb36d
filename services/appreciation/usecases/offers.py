"""Discount partners' offers: added, paused and resumed by the partner, withdrawn by it or the
coordinator, listed."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.appreciation.domain import access, offer_summary
from services.appreciation.domain.clock import local_date
from services.appreciation.domain.errors import DomainError, InvalidTransition, NotAllowed, NotFound
from services.appreciation.models import DiscountPartner, Offer, OrganisationReplica
from services.appreciation.usecases.redemptions.redeem import forget_offer
from shared.db import utcnow
from shared.identity import Principal, Role


class UnknownOrganisation(DomainError):
    """An offer for organisations names one that is not a member of the network."""

    field = "organisations"


class QuantityBelowRedeemed(DomainError):
    """An edit sets the total quantity below the redemptions the offer already had."""

    field = "total_quantity"


def _check_organisations(session: Session, fields: dict) -> None:
    if fields.get("audience") == "organisations":
        known = set(session.scalars(select(OrganisationReplica.id)))
        if unknown := [o for o in fields["organisations"] if o not in known]:
            raise UnknownOrganisation(f"not a member organisation of this network: {', '.join(unknown)}")


def add_offer(session: Session, principal: Principal, fields: dict) -> Offer:
    """A discount partner adds an offer of its own, while it is not removed (its row locked, so a
    removal under way waits or comes first)."""
    partner = session.get(DiscountPartner, principal.partner_id, with_for_update=True)
    if partner is None or partner.removed_at is not None:
        raise NotAllowed("this discount partner was removed")
    _check_organisations(session, fields)
    offer = Offer(partner_id=principal.partner_id, **fields)
    session.add(offer)
    session.flush()
    session.refresh(offer)  # loads the partner, which the answer names
    return offer


def own_offer(session: Session, principal: Principal, offer_id: str) -> Offer:
    """One of the partner's own offers; another partner's is as unknown as a missing one."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.partner_id != principal.partner_id:
        raise NotFound("no such offer")
    return offer


def update_offer(session: Session, principal: Principal, offer_id: str, fields: dict) -> Offer:
    """The partner changes every rule of an offer of its own; its redemptions stay as they are."""
    offer = own_offer(session, principal, offer_id)
    if offer.withdrawn_at is not None:
        raise InvalidTransition("An ended offer cannot be changed.")
    _check_organisations(session, fields)
    total = fields.get("total_quantity")
    if total is not None and total < offer.redeemed:
        raise QuantityBelowRedeemed(f"at least {offer.redeemed}: redeemed so far")
    for name, value in fields.items():
        setattr(offer, name, value)
    # Other processes see the new version at their next tap and read the rules afresh.
    offer.rules_version = Offer.rules_version + 1
    session.flush()
    forget_offer(offer_id)
    return offer


def withdraw(session: Session, principal: Principal, offer_id: str) -> Offer:
    """The partner (or the coordinator) withdraws an offer; its redemptions stay in the figures."""
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("no such offer")
    if principal.role != Role.COORDINATOR:
        try:
            access.ensure_partner_of(principal, offer.partner_id)
        except NotAllowed:
            raise NotFound("no such offer") from None
    offer.withdrawn_at = offer.withdrawn_at or utcnow()
    return offer


def _pausable(session: Session, principal: Principal, offer_id: str) -> Offer:
    offer = own_offer(session, principal, offer_id)
    if not offer_summary.may_pause(offer, local_date(utcnow())):
        raise InvalidTransition("An ended offer cannot be paused or resumed.")
    return offer


def pause(session: Session, principal: Principal, offer_id: str) -> Offer:
    """The partner pauses an offer of its own: no longer listed or redeemable until resumed. The
    redemption reads the pause in its own query on every tap (statements.presented), so it holds
    at once in every process; pausing twice keeps the first moment."""
    offer = _pausable(session, principal, offer_id)
    offer.paused_at = offer.paused_at or utcnow()
    return offer


def resume(session: Session, principal: Principal, offer_id: str) -> Offer:
    """The partner switches a paused offer of its own on again (one not paused stays as it is)."""
    offer = _pausable(session, principal, offer_id)
    offer.paused_at = None
    return offer


def current_offers(session: Session) -> list[Offer]:
    """Offers not withdrawn, not paused and not past their end date, by partner: what pass holders
    see."""
    today = local_date(utcnow())
    return list(
        session.scalars(
            select(Offer)
            .join(DiscountPartner, DiscountPartner.id == Offer.partner_id)
            .where(
                DiscountPartner.removed_at.is_(None),
                Offer.withdrawn_at.is_(None),
                Offer.paused_at.is_(None),
                or_(Offer.valid_until.is_(None), Offer.valid_until >= today),
            )
            .order_by(Offer.partner_id, Offer.title)
        )
    )


def all_partner_offers(session: Session, partner_id: str) -> list[Offer]:
    """Every offer of a partner, ended ones too: the newest first."""
    return list(
        session.scalars(select(Offer).where(Offer.partner_id == partner_id).order_by(Offer.created_at.desc()))
    )


def partner_offers(session: Session, partner_id: str) -> list[Offer]:
    """A partner's offers not withdrawn, by title."""
    return list(
        session.scalars(
            select(Offer)
            .where(Offer.partner_id == partner_id, Offer.withdrawn_at.is_(None))
            .order_by(Offer.title)
        )
    )
