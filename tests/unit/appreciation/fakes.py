"""Plain stand-ins for appreciation's domain tests: an offer with every rule at its default."""

from datetime import UTC, datetime
from types import SimpleNamespace

# Wednesday 10 June 2026, 12:00 in Amsterdam (summer time: UTC+2).
NOON = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)


def an_offer(**fields) -> SimpleNamespace:
    """An offer for everyone, any day and hour, unlimited, with `fields` changed."""
    defaults = {
        "audience": "all",
        "organisations": [],
        "valid_from": None,
        "valid_until": None,
        "weekdays": [],
        "starts_at": None,
        "ends_at": None,
        "usage": "unlimited",
        "per_period": None,
        "period": None,
        "total_quantity": None,
        "redeemed": 0,
        "paused_at": None,
    }
    return SimpleNamespace(**{**defaults, **fields})
