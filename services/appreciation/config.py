"""Appreciation's settings: guessing limits at the counter, when events are recalled, and how
large a nomination file is done at once."""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import PublicSiteSettings, from_env


@dataclass(frozen=True)
class AppreciationSettings(PublicSiteSettings):
    """Everything appreciation reads from its environment."""

    # Wrong pass codes at a counter, per partner and per client address (guessing is stopped).
    wrong_code_limit: str = from_env("KNOOP_WRONG_CODE_LIMIT", "20 per 10 minutes")
    event_reminder_days: int = from_env("KNOOP_EVENT_REMINDER_DAYS", 2)
    # A nomination file of up to this many rows is done while the person waits; a larger one
    # becomes a job that the worker does in chunks of `nomination_chunk_rows`, with a progress page.
    nomination_inline_rows: int = from_env("KNOOP_NOMINATION_INLINE_ROWS", 200)
    nomination_chunk_rows: int = from_env("KNOOP_NOMINATION_CHUNK_ROWS", 100)


def load_settings(overrides: dict | None = None) -> AppreciationSettings:
    """Appreciation's settings from the environment; `overrides` wins (tests)."""
    return AppreciationSettings.load("appreciation", overrides)
