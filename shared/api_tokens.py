"""API tokens: stored hashed, scoped to a role and a network, revocable, replicated between services."""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from datetime import datetime

from sqlalchemy import String, bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared.db import UTCDateTime, new_id, utcnow
from shared.identity import Authenticator, Principal, Role

TOKEN_PREFIX = "knp_"


def generate_api_token() -> str:
    """256 random bits; shown once, stored only as a hash."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of a token."""
    # A fast hash is right here: the token is random and long, so there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenMixin:
    """Columns of a service's `api_tokens` table."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    network_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    organisation_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    partner_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


def issue_token(
    session: Session,
    model: type[ApiTokenMixin],
    *,
    name: str,
    role: str,
    network_id: str | None,
    organisation_id: str | None = None,
    partner_id: str | None = None,
) -> tuple[ApiTokenMixin, str]:
    """Create a token row; returns it with the plain token (the only time the token exists)."""
    if role not in Role.ALL:
        raise ValueError(f"unknown role {role!r}")
    token = generate_api_token()
    row = model(
        id=new_id(),
        token_hash=hash_token(token),
        name=name,
        role=role,
        network_id=network_id,
        organisation_id=organisation_id,
        partner_id=partner_id,
    )
    session.add(row)
    return row, token


def token_replica_handlers(model: type[ApiTokenMixin]) -> dict:
    """Event handlers that keep a service's copy of tokens issued elsewhere (hashes only)."""

    def replicate_issued_token(session: Session, event) -> None:
        data = event.data
        if session.get(model, data["token_id"]) is None:
            session.add(
                model(
                    id=data["token_id"],
                    token_hash=data["token_hash"],
                    name=data["name"],
                    role=data["role"],
                    network_id=event.network_id,
                    organisation_id=data["organisation_id"],
                    partner_id=data["partner_id"],
                )
            )

    def replicate_revoked_token(session: Session, event) -> None:
        row = session.get(model, event.data["token_id"])
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()

    return {"issued": replicate_issued_token, "revoked": replicate_revoked_token}


@functools.cache
def _token_query(model: type[ApiTokenMixin]):
    # Built once per table: building a SELECT costs about as much as running it.
    table = model.__table__
    return select(
        table.c.id,
        table.c.role,
        table.c.network_id,
        table.c.organisation_id,
        table.c.partner_id,
        table.c.name,
    ).where(table.c.token_hash == bindparam("token_hash"), table.c.revoked_at.is_(None))


def principal_for(session: Session | Connection, model: type[ApiTokenMixin], token: str) -> Principal | None:
    """The principal behind a presented token, or None if unknown or revoked."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    # Plain columns, not an ORM object: this runs on every API request (a counter's queue waits).
    row = session.execute(_token_query(model), {"token_hash": hash_token(token)}).first()
    if row is None:
        return None
    return Principal(
        role=row.role,
        network_id=row.network_id,
        organisation_id=row.organisation_id,
        partner_id=row.partner_id,
        token_id=row.id,
        actor=row.name,
    )


class RememberedPrincipals:
    """An authenticator that remembers the principal of each valid token for `seconds`, per process.

    For a service whose hot path is one API call after another from the same few tokens (tills at
    a counter). The price: a token revoked meanwhile is still recognised for up to `seconds` in each
    process that remembered it, so a use case that must not act for a revoked token re-checks it in
    its own transaction (redemptions do, in the same query). Unknown and revoked tokens are never
    remembered: a token issued a moment ago works at once, and random guesses cannot fill memory.
    """

    def __init__(self, authenticate: Authenticator, seconds: float, size: int = 1024):
        self.authenticate, self.seconds, self.size = authenticate, seconds, size
        self.known: dict[str, tuple[float, Principal]] = {}

    def __call__(self, token: str) -> Principal | None:
        key, now = hash_token(token), time.monotonic()
        remembered = self.known.get(key)
        if remembered is not None and now - remembered[0] < self.seconds:
            return remembered[1]
        principal = self.authenticate(token)
        if principal is None:
            self.known.pop(key, None)
            return None
        if len(self.known) >= self.size:
            self.known.clear()  # simpler than LRU; a full table means far more tokens than tills
        self.known[key] = (now, principal)
        return principal
