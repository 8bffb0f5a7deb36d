"""Recruitment's settings: when responses are reminded of and matches asked after, and how long
personal data is kept (docs/privacy.md)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import ConfigurationError, PublicSiteSettings, from_env

# How long a confirmation link sent at registration lives (services/recruitment/links.py).
CONFIRMATION_LINK_DAYS = 7


@dataclass(frozen=True)
class RecruitmentSettings(PublicSiteSettings):
    """Everything recruitment reads from its environment."""

    reminder_days: int = from_env("KNOOP_RESPONSE_REMINDER_DAYS", 3)
    match_question_days: int = from_env("KNOOP_MATCH_QUESTION_DAYS", 14)
    # Retention (0 days: that rule is off): responses after their vacancy closed, registrations never
    # confirmed after they were made, students after sign-off.
    retain_responses_days: int = from_env("KNOOP_RETAIN_RESPONSES_DAYS", 365)
    retain_unconfirmed_days: int = from_env("KNOOP_RETAIN_UNCONFIRMED_DAYS", CONFIRMATION_LINK_DAYS)
    retain_students_days: int = from_env("KNOOP_RETAIN_STUDENTS_DAYS", 365)

    def check(self) -> None:
        """Besides the common checks: an unconfirmed registration is not deleted while its
        confirmation link still works (the person would find their registration gone)."""
        super().check()
        if 0 < self.retain_unconfirmed_days < CONFIRMATION_LINK_DAYS:
            raise ConfigurationError(
                f"KNOOP_RETAIN_UNCONFIRMED_DAYS must be 0 (off) or at least {CONFIRMATION_LINK_DAYS}, "
                "the life of a confirmation link"
            )


def load_settings(overrides: dict | None = None) -> RecruitmentSettings:
    """Recruitment's settings from the environment; `overrides` wins (tests)."""
    return RecruitmentSettings.load("recruitment", overrides)
