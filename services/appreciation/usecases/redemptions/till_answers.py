"""The answers a till gets again for a repeated request (its `Idempotency-Key`): the key is held
before the redemption, in the same atomic block, and the first answer is kept with it."""

from __future__ import annotations

from services.appreciation.usecases.redemptions import statements
from shared.db import UnitOfWork


def stored_answer(session: UnitOfWork, partner_id: str, key: str) -> tuple[str, int, dict | None] | None:
    """(request hash, status, body) of the first request with this Idempotency-Key, if any."""
    params = {"for_partner": partner_id, "for_key": key}
    row = session.connection().execute(statements.stored_answer(), params).first()
    return tuple(row) if row is not None else None


def hold_key(session: UnitOfWork, partner_id: str, key: str, request_hash: str) -> None:
    """Claim the key before redeeming: a concurrent twin waits here, then fails on the primary key
    (IntegrityError) and replays the first answer."""
    row = {"partner_id": partner_id, "key": key, "request_hash": request_hash, "status": 0}
    session.connection().execute(statements.hold_key(), row)


def keep_answer(session: UnitOfWork, partner_id: str, key: str, status: int, body: dict) -> None:
    params = {"for_partner": partner_id, "for_key": key, "new_status": status, "new_body": body}
    session.connection().execute(statements.keep_answer(), params)
