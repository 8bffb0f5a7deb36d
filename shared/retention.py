"""Retention run by beat: what each service's `<service>.apply_retention` shares. The rules
themselves (what goes after how long) are in each service's `usecases/retention.py`; the register
(docs/privacy.md) lists them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from celery import Celery
from sqlalchemy.orm import Session

from shared.db import Database

# Rows anonymised per transaction: a first run on a years-old database must not hold one
# transaction (and its locks) over every row at once.
BATCH = 500
# Once a day: a row goes at most a day after its period ends, and the day's run is cheap.
EVERY = timedelta(days=1)


def cutoff(now: datetime, days: int) -> datetime | None:
    """The moment before which a period of `days` has passed; None when the rule is off (0 days)."""
    return now - timedelta(days=days) if days > 0 else None


def in_batches(db: Database, step: Callable[[Session, int, Any], list]) -> int:
    """Run `step(session, BATCH, after)`, each time in a transaction of its own, until it handles
    fewer than `BATCH` rows; the total it handled. A step handles due rows in key order after the
    key `after` (None at first) and returns their keys: each batch starts where the last one ended
    instead of reading past every row already done (docs/performance.md, "Retention")."""
    total, after, batch = 0, None, BATCH
    while True:
        with db.transaction() as session:
            keys = step(session, batch, after)
        total += len(keys)
        if len(keys) < batch:
            return total
        after = keys[-1]


def register_retention(celery: Celery, kit, apply: Callable[[Database, datetime], dict[str, int]]) -> None:
    """The task `<service>.apply_retention`, which runs `apply(db, now)`, and its place in beat's
    schedule."""
    service = kit.settings.service

    @celery.task(name=f"{service}.apply_retention")
    def apply_retention() -> dict[str, int]:
        return apply(kit.db, datetime.now(UTC))

    celery.conf.beat_schedule[f"{service}-apply-retention"] = {
        "task": f"{service}.apply_retention",
        "schedule": EVERY.total_seconds(),
        "options": {"queue": service},
    }
