"""The audit trail of the counter: every attempt to redeem, right or wrong, by whom and from where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.appreciation.usecases.redemptions import statements
from shared.db import UnitOfWork
from shared.identity import Principal


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at the counter, for the audit trail: from where, by QR code or typed number, and
    the code as given (only its last four characters are kept)."""

    client: str
    how: str
    code: str


def attempt_row(principal: Principal, attempt: Attempt, now: datetime) -> dict:
    """The audit row of an attempt, without its outcome."""
    return {
        "network_id": principal.network_id,
        "partner_id": principal.partner_id,
        "client": attempt.client[:64],
        "how": attempt.how,
        "code_hint": attempt.code[-4:],
        "at": now,
    }


def record(session: UnitOfWork, audit_row: dict | None, outcome: str) -> None:
    """Write the audit row (if any) with its outcome: a plain INSERT, on every attempt."""
    if audit_row is not None:
        session.connection().execute(statements.audit(), {**audit_row, "outcome": outcome})
