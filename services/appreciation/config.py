"""Appreciation's settings: guessing limits at the counter and when events are recalled."""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import PublicSiteSettings, from_env


@dataclass(frozen=True)
class AppreciationSettings(PublicSiteSettings):
    """Everything appreciation reads from its environment."""

    # Wrong pass codes at a counter, per partner and per client address (guessing is stopped).
    wrong_code_limit: str = from_env("KNOOP_WRONG_CODE_LIMIT", "20 per 10 minutes")
    event_reminder_days: int = from_env("KNOOP_EVENT_REMINDER_DAYS", 2)


def load_settings(overrides: dict | None = None) -> AppreciationSettings:
    """Appreciation's settings from the environment; `overrides` wins (tests)."""
    return AppreciationSettings.load("appreciation", overrides)
