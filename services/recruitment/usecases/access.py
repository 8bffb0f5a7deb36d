"""Access for systems: the API tokens of a member organisation or an education partner, issued,
listed (never the secret) and revoked by the network's coordinator."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.recruitment.models import ApiToken, EducationPartner
from services.recruitment.usecases.common import NotFound
from services.recruitment.usecases.registry import _issue_token, get_member
from shared.api_tokens import hash_token
from shared.identity import Role


def tokens_of(session: Session, network_id: str, *, organisation_id=None, partner_id=None) -> list[ApiToken]:
    """The tokens that still work for one organisation or partner of the network, newest first."""
    holder = (
        ApiToken.organisation_id == organisation_id if organisation_id else ApiToken.partner_id == partner_id
    )
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.network_id == network_id, holder, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc())
        )
    )


def issue_member_token(session: Session, network_id: str, organisation_id: str, name: str) -> str:
    """A new token for a member's own system; the plain token exists only in the answer."""
    organisation = get_member(session, organisation_id)
    if organisation.network_id != network_id:
        raise NotFound("no such organisation")
    return _issue_token(
        session, name=name, role=Role.ORGANISATION, network_id=network_id, organisation_id=organisation.id
    )


def issue_partner_token(session: Session, network_id: str, partner_id: str, name: str) -> str:
    """A new token for an education partner's own system (its student records, say)."""
    partner = session.get(EducationPartner, partner_id)
    if partner is None or partner.network_id != network_id:
        raise NotFound("no such education partner")
    return _issue_token(
        session, name=name, role=Role.EDUCATION_PARTNER, network_id=network_id, partner_id=partner.id
    )


def token_holder(session: Session, network_id: str, token_id: str) -> ApiToken:
    """A working token of the network (to confirm its revocation), or NotFound."""
    row = session.get(ApiToken, token_id)
    if row is None or row.network_id != network_id or row.revoked_at is not None:
        raise NotFound("no such token")
    return row


def token_row(session: Session, secret: str) -> ApiToken:
    """The stored row of a token just issued, found by its hash (the secret itself is not kept)."""
    return session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(secret))).one()
