"""Who may do what with passes, offers and gatherings, judged from the caller's principal."""

from __future__ import annotations

from services.appreciation.domain.errors import NotAllowed
from shared.identity import Principal, Role


def is_coordinator_of(principal: Principal, network_id: str) -> bool:
    """Whether the caller coordinates this network."""
    return principal.role == Role.COORDINATOR and principal.network_id == network_id


def ensure_partner_of(principal: Principal, partner_id: str) -> None:
    """A discount partner acts only on its own offers and redemptions."""
    if not (principal.role == Role.DISCOUNT_PARTNER and principal.partner_id == partner_id):
        raise NotAllowed("only the discount partner itself may do this")


def nominating_member(principal: Principal, chosen: str | None) -> str:
    """The member a nomination is for: an organisation's own; the coordinator's chosen member."""
    if principal.role == Role.ORGANISATION:
        return principal.organisation_id
    if principal.role == Role.COORDINATOR:
        if not chosen:
            raise NotAllowed("choose the member organisation this person volunteers for")
        return chosen
    raise NotAllowed("only member organisations nominate their volunteers")
