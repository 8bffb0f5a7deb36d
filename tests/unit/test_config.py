"""Production refuses to start with a default or weak secret; other profiles start; each service
reads its own settings."""

import pytest

from services.appreciation.config import AppreciationSettings
from services.notifications.config import NotificationSettings
from services.recruitment.config import RecruitmentSettings
from shared.config import DEFAULT_SECRET, ConfigurationError, Settings


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.delenv("KNOOP_SECRET_KEYS", raising=False)
    with pytest.raises(ConfigurationError, match="KNOOP_SECRET_KEYS"):
        RecruitmentSettings.load("recruitment", {"profile": "production"})


def test_production_refuses_a_short_secret(monkeypatch):
    monkeypatch.setenv("KNOOP_SECRET_KEYS", "short")
    with pytest.raises(ConfigurationError, match="32 characters"):
        RecruitmentSettings.load("recruitment", {"profile": "production"})


OLD_KEY, NEW_KEY = "vQ3r8Zk1pX0bT7mW2yN6cL9dF4hJ5gS_aE", "Lq7Vw2Xe9Rt4Yu1Io6Pa3Sd8Fg5Hj0Kz-Bn"


def test_production_starts_with_a_strong_secret_and_signs_with_the_newest_key(monkeypatch):
    monkeypatch.setenv("KNOOP_SECRET_KEYS", f"{OLD_KEY},{NEW_KEY}")
    settings = RecruitmentSettings.load("recruitment", {"profile": "production"})
    assert settings.secret_key == NEW_KEY


@pytest.mark.parametrize(
    "published",
    [
        "change-me-to-64-random-characters-change-me-to-64-random-characters",  # deploy/env.example
        "REPLACE-WITH-64-RANDOM-CHARACTERS",  # the Kubernetes overlays' secrets.env.example
        "o" * 40,  # long, but no one's random key
    ],
)
def test_production_refuses_a_key_copied_from_an_example_or_too_simple(monkeypatch, published):
    monkeypatch.setenv("KNOOP_SECRET_KEYS", f"{NEW_KEY},{published}")
    with pytest.raises(ConfigurationError, match="placeholder"):
        RecruitmentSettings.load("recruitment", {"profile": "production"})


def test_the_examples_keys_are_the_ones_production_refuses(monkeypatch):
    """If an example's placeholder changes, production must still refuse it."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    examples = [root / "deploy/env.example", *root.glob("deploy/kubernetes/overlays/*/secrets.env.example")]
    assert len(examples) == 3
    keys = [
        line.split("=", 1)[1]
        for example in examples
        for line in example.read_text().splitlines()
        if line.startswith("KNOOP_SECRET_KEYS=")
    ]
    assert len(keys) == len(examples)
    for key in keys:
        monkeypatch.setenv("KNOOP_SECRET_KEYS", key)
        with pytest.raises(ConfigurationError):
            RecruitmentSettings.load("recruitment", {"profile": "production"})


def test_production_app_factory_refuses_to_start_with_default_secret(monkeypatch):
    from services.recruitment import create_app

    monkeypatch.delenv("KNOOP_SECRET_KEYS", raising=False)
    monkeypatch.setenv("KNOOP_ENV", "production")
    with pytest.raises(ConfigurationError):
        create_app()


def test_development_uses_the_embedded_defaults(monkeypatch):
    monkeypatch.delenv("RECRUITMENT_DATABASE_URL", raising=False)
    monkeypatch.delenv("KNOOP_ENV", raising=False)
    settings = RecruitmentSettings.load("recruitment")
    assert settings.profile == "development"
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("recruitment.db")
    assert DEFAULT_SECRET in settings.secret_keys


def test_each_service_has_its_own_database_url(monkeypatch):
    monkeypatch.setenv("APPRECIATION_DATABASE_URL", "postgresql+psycopg://x@db/appreciation")
    assert AppreciationSettings.load("appreciation").database_url.endswith("/appreciation")
    assert "appreciation" not in RecruitmentSettings.load("recruitment").database_url


def test_unknown_profile_is_refused(monkeypatch):
    monkeypatch.setenv("KNOOP_ENV", "staging-ish")
    with pytest.raises(ConfigurationError):
        RecruitmentSettings.load("recruitment")


def test_a_lease_too_short_to_wait_for_the_mail_servers_reply_is_refused(monkeypatch):
    monkeypatch.setenv("KNOOP_SMTP_TIMEOUT", "30")
    monkeypatch.setenv("KNOOP_DELIVERY_LEASE_SECONDS", "39")
    with pytest.raises(ConfigurationError, match="LEASE"):
        NotificationSettings.load("notifications")


def test_a_nomination_chunk_of_no_rows_is_refused_as_it_would_never_finish(monkeypatch):
    monkeypatch.setenv("KNOOP_NOMINATION_CHUNK_ROWS", "0")
    with pytest.raises(ConfigurationError, match="KNOOP_NOMINATION_CHUNK_ROWS"):
        AppreciationSettings.load("appreciation")
    monkeypatch.setenv("KNOOP_NOMINATION_CHUNK_ROWS", "50")
    assert AppreciationSettings.load("appreciation").nomination_chunk_rows == 50


def test_body_limits_come_from_the_environment_with_a_mebibyte_and_five_megabytes_by_default(monkeypatch):
    monkeypatch.delenv("KNOOP_MAX_BODY_BYTES", raising=False)
    monkeypatch.delenv("KNOOP_MAX_UPLOAD_BYTES", raising=False)
    settings = RecruitmentSettings.load("recruitment")
    assert (settings.max_body_bytes, settings.max_upload_bytes) == (1024 * 1024, 5_000_000)
    monkeypatch.setenv("KNOOP_MAX_BODY_BYTES", "2048")
    assert RecruitmentSettings.load("recruitment").max_body_bytes == 2048


def test_each_service_reads_only_its_own_settings_and_ignores_the_others_overrides(monkeypatch):
    monkeypatch.setenv("KNOOP_RESPONSE_REMINDER_DAYS", "5")
    monkeypatch.setenv("KNOOP_WRONG_CODE_LIMIT", "7 per minute")
    overrides = {"smtp_port": 2525, "wrong_code_limit": "9 per minute", "outbox_sweep_seconds": 0.5}
    recruitment = RecruitmentSettings.load("recruitment", overrides)
    assert recruitment.reminder_days == 5 and recruitment.outbox_sweep_seconds == 0.5
    assert not hasattr(recruitment, "smtp_port") and not hasattr(recruitment, "wrong_code_limit")
    assert AppreciationSettings.load("appreciation", overrides).wrong_code_limit == "9 per minute"
    assert AppreciationSettings.load("appreciation").wrong_code_limit == "7 per minute"
    assert NotificationSettings.load("notifications", overrides).smtp_port == 2525
    assert not hasattr(Settings.load("notifications"), "smtp_port")


def test_every_service_refuses_the_default_secret_in_production(monkeypatch):
    monkeypatch.delenv("KNOOP_SECRET_KEYS", raising=False)
    for service, kind in [("appreciation", AppreciationSettings), ("notifications", NotificationSettings)]:
        with pytest.raises(ConfigurationError, match="KNOOP_SECRET_KEYS"):
            kind.load(service, {"profile": "production"})


def example_environment() -> dict[str, str]:
    from pathlib import Path

    example = (Path(__file__).resolve().parents[2] / "deploy/env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in example if line and not line.startswith("#"))


@pytest.mark.parametrize("url", ["RECRUITMENT_DATABASE_URL", "KNOOP_REDIS_URL"])
def test_production_refuses_the_examples_database_and_redis_passwords(monkeypatch, url):
    """An unedited deploy/.env, but for a real key, still does not start."""
    for name, value in example_environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KNOOP_SECRET_KEYS", NEW_KEY)
    real = {"RECRUITMENT_DATABASE_URL": "postgresql+psycopg://knoop:Zq8rT2vX9pL4mN7w@postgres:5432/r"}
    real["KNOOP_REDIS_URL"] = "redis://:Zq8rT2vX9pL4mN7w@redis:6379/0"
    for name, value in real.items():
        if name != url:
            monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=f"{url} holds an example's placeholder password"):
        RecruitmentSettings.load("recruitment")
    monkeypatch.setenv(url, real[url])
    assert RecruitmentSettings.load("recruitment").profile == "production"


def test_production_refuses_the_examples_mail_password(monkeypatch):
    """Every e-mail would fail at the mail server's login, retry for days and become a dead letter."""
    for name, value in example_environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KNOOP_SECRET_KEYS", NEW_KEY)
    monkeypatch.setenv("NOTIFICATIONS_DATABASE_URL", "postgresql+psycopg://knoop:Zq8rT2vX9pL4mN7w@pg:5432/n")
    monkeypatch.setenv("KNOOP_REDIS_URL", "redis://:Zq8rT2vX9pL4mN7w@redis:6379/0")
    with pytest.raises(ConfigurationError, match="KNOOP_SMTP_PASSWORD"):
        NotificationSettings.load("notifications")
    monkeypatch.setenv("KNOOP_SMTP_PASSWORD", "Zq8rT2vX9pL4mN7w")
    assert NotificationSettings.load("notifications").profile == "production"
