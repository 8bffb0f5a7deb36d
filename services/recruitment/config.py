"""Recruitment's settings: when responses are reminded of and matches asked after."""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import PublicSiteSettings, from_env


@dataclass(frozen=True)
class RecruitmentSettings(PublicSiteSettings):
    """Everything recruitment reads from its environment."""

    reminder_days: int = from_env("KNOOP_RESPONSE_REMINDER_DAYS", 3)
    match_question_days: int = from_env("KNOOP_MATCH_QUESTION_DAYS", 14)


def load_settings(overrides: dict | None = None) -> RecruitmentSettings:
    """Recruitment's settings from the environment; `overrides` wins (tests)."""
    return RecruitmentSettings.load("recruitment", overrides)
