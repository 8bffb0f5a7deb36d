"""Appreciation's settings: guessing limits at the counter, when events are recalled, and how
large a nomination file is done at once."""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import ConfigurationError, PublicSiteSettings, from_env


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
    # Retention (docs/privacy.md; 0: kept until erased): the counter's attempts and tills' answers.
    retain_redemption_attempts_days: int = from_env("KNOOP_RETAIN_REDEMPTION_ATTEMPTS_DAYS", 90)

    def check(self) -> None:
        """Besides the common checks: an import job must move (a chunk of 0 rows never ends)."""
        super().check()
        if self.nomination_chunk_rows < 1 or self.nomination_inline_rows < 0:
            raise ConfigurationError(
                "KNOOP_NOMINATION_CHUNK_ROWS must be at least 1 and KNOOP_NOMINATION_INLINE_ROWS at least 0"
            )


def load_settings(overrides: dict | None = None) -> AppreciationSettings:
    """Appreciation's settings from the environment; `overrides` wins (tests)."""
    return AppreciationSettings.load("appreciation", overrides)
