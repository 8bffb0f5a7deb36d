"""Retention (beat: `appreciation.apply_retention`): the counter's audit trail and a till's stored
answers go after `KNOOP_RETAIN_REDEMPTION_ATTEMPTS_DAYS`. Nothing counts them in the figures (those
count redemptions, which hold a pass id and no name), so they are deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from services.appreciation.models import IdempotentResponse, RedemptionAttempt
from shared.db import Database
from shared.retention import cutoff


def apply(db: Database, now: datetime, attempts_days: int) -> dict[str, int]:
    """Every rule once; how many rows each deleted."""
    done = {"redemption attempts": 0, "till answers": 0}
    if cut := cutoff(now, attempts_days):
        with db.transaction() as session:
            done["redemption attempts"] = delete_attempts(session, cut)
            done["till answers"] = delete_till_answers(session, cut)
    return done


def delete_attempts(session: Session, before: datetime) -> int:
    """Attempts to redeem (with the client's address) made before `before`."""
    return session.execute(delete(RedemptionAttempt).where(RedemptionAttempt.at < before)).rowcount or 0


def delete_till_answers(session: Session, before: datetime) -> int:
    """Stored answers to tills' requests (they name the holder) given before `before`: a till repeats
    a request within minutes, never months later."""
    stored = delete(IdempotentResponse).where(IdempotentResponse.created_at < before)
    return session.execute(stored).rowcount or 0
