"""Production refuses to start with a default or weak secret; other profiles start."""

import pytest

from shared.config import DEFAULT_SECRET, ConfigurationError, load_settings


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.delenv("KNOOP_SECRET_KEYS", raising=False)
    with pytest.raises(ConfigurationError, match="KNOOP_SECRET_KEYS"):
        load_settings("recruitment", {"profile": "production"})


def test_production_refuses_a_short_secret(monkeypatch):
    monkeypatch.setenv("KNOOP_SECRET_KEYS", "short")
    with pytest.raises(ConfigurationError, match="32 characters"):
        load_settings("recruitment", {"profile": "production"})


def test_production_starts_with_a_strong_secret_and_signs_with_the_newest_key(monkeypatch):
    monkeypatch.setenv("KNOOP_SECRET_KEYS", f"{'o' * 40},{'n' * 40}")
    settings = load_settings("recruitment", {"profile": "production"})
    assert settings.secret_key == "n" * 40


def test_production_app_factory_refuses_to_start_with_default_secret(monkeypatch):
    from services.recruitment import create_app

    monkeypatch.delenv("KNOOP_SECRET_KEYS", raising=False)
    monkeypatch.setenv("KNOOP_ENV", "production")
    with pytest.raises(ConfigurationError):
        create_app()


def test_development_uses_the_embedded_defaults(monkeypatch):
    monkeypatch.delenv("RECRUITMENT_DATABASE_URL", raising=False)
    monkeypatch.delenv("KNOOP_ENV", raising=False)
    settings = load_settings("recruitment")
    assert settings.profile == "development"
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("recruitment.db")
    assert DEFAULT_SECRET in settings.secret_keys


def test_each_service_has_its_own_database_url(monkeypatch):
    monkeypatch.setenv("APPRECIATION_DATABASE_URL", "postgresql+psycopg://x@db/appreciation")
    assert load_settings("appreciation").database_url.endswith("/appreciation")
    assert "appreciation" not in load_settings("recruitment").database_url


def test_unknown_profile_is_refused(monkeypatch):
    monkeypatch.setenv("KNOOP_ENV", "staging-ish")
    with pytest.raises(ConfigurationError):
        load_settings("recruitment")


def test_a_lease_too_short_to_wait_for_the_mail_servers_reply_is_refused(monkeypatch):
    monkeypatch.setenv("KNOOP_SMTP_TIMEOUT", "30")
    monkeypatch.setenv("KNOOP_DELIVERY_LEASE_SECONDS", "39")
    with pytest.raises(ConfigurationError, match="LEASE"):
        load_settings("notifications")


def test_body_limits_come_from_the_environment_with_a_mebibyte_and_five_megabytes_by_default(monkeypatch):
    monkeypatch.delenv("KNOOP_MAX_BODY_BYTES", raising=False)
    monkeypatch.delenv("KNOOP_MAX_UPLOAD_BYTES", raising=False)
    settings = load_settings("recruitment")
    assert (settings.max_body_bytes, settings.max_upload_bytes) == (1024 * 1024, 5_000_000)
    monkeypatch.setenv("KNOOP_MAX_BODY_BYTES", "2048")
    assert load_settings("recruitment").max_body_bytes == 2048
