"""Who may do what with passes, offers and gatherings, judged from the caller's principal."""

from __future__ import annotations

from services.appreciation.domain.errors import MemberChoice, NotAllowed
from shared.identity import Principal, Role


def is_coordinator_of(principal: Principal, network_id: str) -> bool:
    """Whether the caller coordinates this network."""
    return principal.role == Role.COORDINATOR and principal.network_id == network_id


def ensure_partner_of(principal: Principal, partner_id: str) -> None:
    """A discount partner acts only on its own offers and redemptions."""
    if not (principal.role == Role.DISCOUNT_PARTNER and principal.partner_id == partner_id):
        raise NotAllowed("only the discount partner itself may do this")


def nominating_member(principal: Principal, chosen: str | None) -> str:
    """The member a nomination is for: an organisation's own (naming another is refused); the
    coordinator's chosen member, which it must name."""
    if principal.role == Role.ORGANISATION:
        if chosen and chosen != principal.organisation_id:
            raise MemberChoice("a member organisation nominates its own volunteers only")
        return principal.organisation_id
    if principal.role == Role.COORDINATOR:
        if not chosen:
            raise MemberChoice("choose the member organisation this person volunteers for")
        return chosen
    raise NotAllowed("only member organisations nominate their volunteers")
