"""Discount partners log in to their counter page with a single-use link mailed to their contact."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.appreciation.domain.errors import NotAllowed
from services.appreciation.links import Links
from services.appreciation.models import DiscountPartner, NetworkReplica, UsedLoginLink
from services.appreciation.usecases.common import outbox
from services.appreciation.usecases.partners import is_active
from shared.identity import Principal, Role
from shared.magic_links import login_mail, redeem


def request_login(
    session: Session,
    network: NetworkReplica,
    email: str,
    language: str,
    links: Links,
    next_path: str | None = None,
) -> None:
    """Send a login link if `email` is a partner's contact in this network; never say whether it is.
    The link goes to the address on record, never to the address as typed."""
    partners = list(
        session.scalars(
            select(DiscountPartner).where(
                DiscountPartner.network_id == network.id,
                DiscountPartner.removed_at.is_(None),
                func.lower(DiscountPartner.contact_email) == email.strip().lower(),
            )
        )
    )
    if not partners:
        return
    first = partners[0]
    recipient = {"name": first.contact_name or first.name, "email": first.contact_email, "language": language}
    offers = [
        (
            p.name,
            links.login.link(
                {
                    "role": Role.DISCOUNT_PARTNER,
                    "network_id": network.id,
                    "partner_id": p.id,
                    "actor": p.contact_email,
                },
                next_path,
            ),
        )
        for p in partners
    ]
    outbox.add(
        session,
        "appreciation.partner_login_requested.v1",
        network.id,
        login_mail(recipient, network.name, offers),
    )


def redeem_login(session: Session, payload: dict) -> Principal:
    """The partner behind a verified login link, once: a second use raises
    shared.magic_links.LinkAlreadyUsed; a link of a partner removed since it was sent, NotAllowed."""
    if not is_active(session, payload.get("partner_id")):
        raise NotAllowed("this discount partner was removed")
    return redeem(session, UsedLoginLink, payload)
