"""Retention periods come from the environment (docs/privacy.md lists them), with their defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.config import ConfigurationError
from shared.retention import cutoff


def test_the_periods_default_to_the_registers_and_are_read_from_the_environment(monkeypatch):
    from services.appreciation.config import load_settings as appreciation
    from services.notifications.config import load_settings as notifications
    from services.recruitment.config import load_settings as recruitment

    defaults = recruitment()
    assert (
        defaults.retain_responses_days,
        defaults.retain_unconfirmed_days,
        defaults.retain_students_days,
    ) == (
        365,
        7,
        365,
    )
    assert appreciation().retain_redemption_attempts_days == 90
    assert notifications().retain_delivery_addresses_days == 90
    monkeypatch.setenv("KNOOP_RETAIN_STUDENTS_DAYS", "730")
    monkeypatch.setenv("KNOOP_RETAIN_DELIVERY_ADDRESSES_DAYS", "30")
    assert recruitment().retain_students_days == 730 and notifications().retain_delivery_addresses_days == 30


def test_unconfirmed_registrations_are_not_deleted_while_their_link_still_works(monkeypatch):
    from services.recruitment.config import load_settings

    monkeypatch.setenv("KNOOP_RETAIN_UNCONFIRMED_DAYS", "3")
    with pytest.raises(ConfigurationError, match="KNOOP_RETAIN_UNCONFIRMED_DAYS"):
        load_settings()
    monkeypatch.setenv("KNOOP_RETAIN_UNCONFIRMED_DAYS", "0")  # off: kept until erased
    assert load_settings().retain_unconfirmed_days == 0


def test_a_period_of_zero_days_turns_its_rule_off():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert cutoff(now, 0) is None and cutoff(now, 90) == now - timedelta(days=90)


def test_every_retention_period_is_listed_in_the_register_and_the_readme():
    import dataclasses
    from pathlib import Path

    from services.appreciation.config import AppreciationSettings
    from services.notifications.config import NotificationSettings
    from services.recruitment.config import RecruitmentSettings

    root = Path(__file__).resolve().parents[2]
    register, readme = (root / "docs/privacy.md").read_text(), (root / "README.md").read_text()
    names = {
        f.metadata["env"]
        for cls in (RecruitmentSettings, AppreciationSettings, NotificationSettings)
        for f in dataclasses.fields(cls)
        if f.metadata.get("env", "").startswith("KNOOP_RETAIN_")
    }
    assert len(names) == 5
    assert not [n for n in names if f"`{n}`" not in register or f"`{n}`" not in readme]
