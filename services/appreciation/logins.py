"""Discount partners log in to their counter page with a single-use link mailed to their contact."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.appreciation import domain
from services.appreciation.links import LOGIN_MINUTES, Links
from services.appreciation.models import DiscountPartner, NetworkReplica, UsedLoginLink
from services.appreciation.passes import outbox
from shared.identity import Principal, Role


class LinkAlreadyUsed(domain.DomainError):
    """This login link has logged someone in before."""


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
                func.lower(DiscountPartner.contact_email) == email.strip().lower(),
            )
        )
    )
    if not partners:
        return
    first = partners[0]
    outbox.add(
        session,
        "appreciation.partner_login_requested.v1",
        network.id,
        {
            "recipient": {
                "name": first.contact_name or first.name,
                "email": first.contact_email,
                "language": language,
            },
            "network_name": network.name,
            "minutes_valid": LOGIN_MINUTES,
            "links": [
                {
                    "label": p.name,
                    "url": links.login_link(
                        {"role": Role.DISCOUNT_PARTNER, "network_id": network.id, "partner_id": p.id},
                        next_path,
                    ),
                }
                for p in partners
            ],
        },
    )


def redeem_login(session: Session, payload: dict) -> Principal:
    session.add(UsedLoginLink(nonce=payload["nonce"]))
    try:
        session.flush()
    except IntegrityError:
        raise LinkAlreadyUsed("this login link has been used already") from None
    return Principal(
        role=Role.DISCOUNT_PARTNER, network_id=payload["network_id"], partner_id=payload["partner_id"]
    )
