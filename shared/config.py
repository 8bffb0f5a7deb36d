"""Settings read from the environment, with development, test and production profiles."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROFILES = ("development", "test", "production")
DEFAULT_SECRET = "dev-only-secret-change-me"
REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KNOOP_VAR_DIR", REPO_ROOT / "var"))


class ConfigurationError(RuntimeError):
    """The environment does not describe a runnable configuration."""


@dataclass(frozen=True)
class Settings:
    """Everything a service needs from its environment; built once by the app factory."""

    service: str
    profile: str
    secret_keys: tuple[str, ...]
    database_url: str
    redis_url: str
    broker_url: str
    public_base_url: str
    smtp_host: str = "localhost"
    smtp_port: int = 1025
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout: float = 10.0
    smtp_rate: float = 0.0
    mail_from: str = "Knoop <noreply@knoop.local>"
    visibility_timeout: int = 3600
    unacked_restore_seconds: int = 2
    consumer_heartbeat_seconds: float = 10.0
    delivery_lease_seconds: int = 15
    delivery_sweep_seconds: float = 5.0
    delivery_retry_seconds: float = 30.0
    delivery_retry_max_seconds: float = 900.0
    delivery_give_up_hours: float = 72.0
    outbox_sweep_seconds: float = 5.0
    outbox_retention_days: int = 30
    default_network: str = ""
    reminder_days: int = 3
    event_reminder_days: int = 2
    match_question_days: int = 14
    public_post_limit: str = "30 per hour"
    # Wrong pass codes at a counter, per partner and per client address (guessing is stopped).
    wrong_code_limit: str = "20 per 10 minutes"
    proxy_hops: int = 0
    # Request bodies: every endpoint, and the CSV imports (a file of a few thousand rows).
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 5_000_000
    extra: dict = field(default_factory=dict)

    @property
    def secret_key(self) -> str:
        """The newest key signs; all of them verify (see shared.tokens)."""
        return self.secret_keys[-1]


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _bool(name: str, default: bool = False) -> bool:
    value = _env(name)
    return default if value is None else value.lower() in ("1", "true", "yes", "on")


def default_database_url(service: str) -> str:
    """One SQLite file per service: the embedded default."""
    return f"sqlite:///{VAR_DIR / f'{service}.db'}"


def load_settings(service: str, overrides: dict | None = None) -> Settings:
    """Read the service's settings from the environment; `overrides` wins (tests)."""
    overrides = dict(overrides or {})
    profile = overrides.pop("profile", None) or _env("KNOOP_ENV", "development")
    if profile not in PROFILES:
        raise ConfigurationError(f"KNOOP_ENV must be one of {PROFILES}, not {profile!r}")
    keys = tuple(k.strip() for k in (_env("KNOOP_SECRET_KEYS", "") or "").split(",") if k.strip())
    redis_url = _env("KNOOP_REDIS_URL", "redis://127.0.0.1:6379/0")
    values = dict(
        service=service,
        profile=profile,
        secret_keys=keys or (DEFAULT_SECRET,),
        database_url=_env(f"{service.upper()}_DATABASE_URL", default_database_url(service)),
        redis_url=redis_url,
        broker_url=_env("KNOOP_BROKER_URL", redis_url),
        public_base_url=_env("KNOOP_PUBLIC_URL", "http://localhost:8000"),
        smtp_host=_env("KNOOP_SMTP_HOST", "127.0.0.1"),
        smtp_port=int(_env("KNOOP_SMTP_PORT", "1025")),
        smtp_user=_env("KNOOP_SMTP_USER", ""),
        smtp_password=_env("KNOOP_SMTP_PASSWORD", ""),
        smtp_starttls=_bool("KNOOP_SMTP_STARTTLS"),
        smtp_ssl=_bool("KNOOP_SMTP_SSL"),
        smtp_timeout=float(_env("KNOOP_SMTP_TIMEOUT", "10")),
        smtp_rate=float(_env("KNOOP_SMTP_RATE", "0")),
        mail_from=_env("KNOOP_MAIL_FROM", "Knoop <noreply@knoop.local>"),
        visibility_timeout=int(_env("KNOOP_VISIBILITY_TIMEOUT", "3600")),
        unacked_restore_seconds=int(_env("KNOOP_UNACKED_RESTORE_SECONDS", "2")),
        consumer_heartbeat_seconds=float(_env("KNOOP_CONSUMER_HEARTBEAT_SECONDS", "10")),
        delivery_lease_seconds=int(_env("KNOOP_DELIVERY_LEASE_SECONDS", "15")),
        delivery_sweep_seconds=float(_env("KNOOP_DELIVERY_SWEEP_SECONDS", "5")),
        delivery_retry_seconds=float(_env("KNOOP_DELIVERY_RETRY_SECONDS", "30")),
        delivery_retry_max_seconds=float(_env("KNOOP_DELIVERY_RETRY_MAX_SECONDS", "900")),
        delivery_give_up_hours=float(_env("KNOOP_DELIVERY_GIVE_UP_HOURS", "72")),
        outbox_sweep_seconds=float(_env("KNOOP_OUTBOX_SWEEP_SECONDS", "5")),
        outbox_retention_days=int(_env("KNOOP_OUTBOX_RETENTION_DAYS", "30")),
        default_network=_env("KNOOP_DEFAULT_NETWORK", ""),
        reminder_days=int(_env("KNOOP_RESPONSE_REMINDER_DAYS", "3")),
        event_reminder_days=int(_env("KNOOP_EVENT_REMINDER_DAYS", "2")),
        match_question_days=int(_env("KNOOP_MATCH_QUESTION_DAYS", "14")),
        public_post_limit=_env("KNOOP_PUBLIC_POST_LIMIT", "30 per hour"),
        wrong_code_limit=_env("KNOOP_WRONG_CODE_LIMIT", "20 per 10 minutes"),
        # Behind the reverse proxy (production) the client's address comes from X-Forwarded-For.
        proxy_hops=int(_env("KNOOP_PROXY_HOPS", "1" if profile == "production" else "0")),
        max_body_bytes=int(_env("KNOOP_MAX_BODY_BYTES", str(1024 * 1024))),
        max_upload_bytes=int(_env("KNOOP_MAX_UPLOAD_BYTES", "5000000")),
    )
    values.update(overrides)
    settings = Settings(**values)
    check_timing(settings)
    check_production_safety(settings)
    return settings


def check_timing(settings: Settings) -> None:
    """A delivery's lease, renewed every fifth of its length, must still cover the server's reply
    and our record of it just before a renewal (notifications hands a message over only then)."""
    least = 1.25 * settings.smtp_timeout + 2
    if settings.delivery_lease_seconds < least:
        raise ConfigurationError(
            "KNOOP_DELIVERY_LEASE_SECONDS must be at least 1.25 x KNOOP_SMTP_TIMEOUT + 2 s "
            f"({settings.delivery_lease_seconds} < {least:g})"
        )


def check_production_safety(settings: Settings) -> None:
    """Production refuses to start with a missing or default secret, or on the embedded database."""
    if settings.profile != "production":
        return
    if DEFAULT_SECRET in settings.secret_keys:
        raise ConfigurationError("production needs KNOOP_SECRET_KEYS (a random secret of your own)")
    if any(len(k) < 32 for k in settings.secret_keys):
        raise ConfigurationError("every key in KNOOP_SECRET_KEYS must be at least 32 characters")
