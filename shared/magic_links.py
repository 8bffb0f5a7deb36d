"""Logging in by e-mail: signed links, valid a quarter of an hour and single use, one per identity."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared.db import UTCDateTime, utcnow
from shared.identity import Principal
from shared.tokens import LinkSigner

LOGIN_MINUTES = 15


class LinkAlreadyUsed(Exception):
    """This login link has logged someone in before."""


class UsedLoginLinkMixin:
    """Columns of a service's `used_login_links` table: a link's nonce, recorded when it is used."""

    __tablename__ = "used_login_links"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def single_use(payload: dict) -> dict:
    """`payload` with a fresh nonce, recorded when the link is used (`spend`)."""
    return {**payload, "nonce": secrets.token_hex(16)}


class LoginLinks:
    """A service's login links: signed for the service's own purpose (a link of one service never
    logs in at another), opened at the URL `url_for_token` gives."""

    def __init__(self, secret_keys: tuple[str, ...], purpose: str, url_for_token: Callable[[str], str]):
        self.signer = LinkSigner(secret_keys, purpose, max_age=LOGIN_MINUTES * 60)
        self.url_for_token = url_for_token

    def link(self, identity: dict, next_path: str | None = None) -> str:
        """A single-use link that logs `identity` (a Principal's fields) in, then opens `next_path`."""
        signed = single_use({**identity, **({"next": next_path} if next_path else {})})
        return self.url_for_token(self.signer.sign(signed))

    def verify(self, token: str) -> dict:
        """The payload of a genuine, unexpired link (shared.tokens.InvalidToken otherwise)."""
        return self.signer.verify(token)


def login_mail(recipient: dict, network_name: str, links: list[tuple[str, str]]) -> dict:
    """The data of a service's login-link event: to `recipient` (name, email, language), one
    (label, url) per identity the address may log in as."""
    return {
        "recipient": recipient,
        "network_name": network_name,
        "minutes_valid": LOGIN_MINUTES,
        "links": [{"label": label, "url": url} for label, url in links],
    }


def spend(session: Session, model: type[UsedLoginLinkMixin], payload: dict) -> None:
    """Record the link's nonce, once: LinkAlreadyUsed if it was used before."""
    session.add(model(nonce=payload["nonce"]))
    try:
        session.flush()
    except IntegrityError:
        raise LinkAlreadyUsed("this login link has been used already") from None


def redeem(session: Session, model: type[UsedLoginLinkMixin], payload: dict) -> Principal:
    """Spend a verified login link (once) and return who it logs in."""
    spend(session, model, payload)
    return Principal(
        role=payload["role"],
        network_id=payload["network_id"],
        organisation_id=payload.get("organisation_id"),
        partner_id=payload.get("partner_id"),
        person_id=payload.get("person_id"),
        actor=payload.get("actor"),
    )
