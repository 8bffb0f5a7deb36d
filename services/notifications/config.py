"""Notifications' settings: the mail server, and the leases, retries and sweeps of deliveries."""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import PLACEHOLDER_WORDS, ConfigurationError, Settings, from_env


@dataclass(frozen=True)
class NotificationSettings(Settings):
    """Everything notifications reads from its environment."""

    smtp_host: str = from_env("KNOOP_SMTP_HOST", "127.0.0.1")
    smtp_port: int = from_env("KNOOP_SMTP_PORT", 1025)
    smtp_user: str = from_env("KNOOP_SMTP_USER", "")
    smtp_password: str = from_env("KNOOP_SMTP_PASSWORD", "")
    smtp_starttls: bool = from_env("KNOOP_SMTP_STARTTLS", False)
    smtp_ssl: bool = from_env("KNOOP_SMTP_SSL", False)
    smtp_timeout: float = from_env("KNOOP_SMTP_TIMEOUT", 10.0)
    smtp_rate: float = from_env("KNOOP_SMTP_RATE", 0.0)
    mail_from: str = from_env("KNOOP_MAIL_FROM", "Knoop <noreply@knoop.local>")
    delivery_lease_seconds: int = from_env("KNOOP_DELIVERY_LEASE_SECONDS", 15)
    delivery_sweep_seconds: float = from_env("KNOOP_DELIVERY_SWEEP_SECONDS", 5.0)
    delivery_retry_seconds: float = from_env("KNOOP_DELIVERY_RETRY_SECONDS", 30.0)
    delivery_retry_max_seconds: float = from_env("KNOOP_DELIVERY_RETRY_MAX_SECONDS", 900.0)
    delivery_give_up_hours: float = from_env("KNOOP_DELIVERY_GIVE_UP_HOURS", 72.0)
    # Retention (docs/privacy.md; 0: kept until erased): the delivery log's addresses and data.
    retain_delivery_addresses_days: int = from_env("KNOOP_RETAIN_DELIVERY_ADDRESSES_DAYS", 90)

    def check(self) -> None:
        """Besides the common checks: a lease long enough to wait for the mail server's reply, and in
        production no example's placeholder as the mail server's password (every message would
        fail at login, retry for days and end as a dead letter)."""
        super().check()
        check_timing(self)
        if self.profile == "production" and any(w in self.smtp_password.lower() for w in PLACEHOLDER_WORDS):
            raise ConfigurationError("KNOOP_SMTP_PASSWORD holds an example's placeholder: set the real one")


def load_settings(overrides: dict | None = None) -> NotificationSettings:
    """Notifications' settings from the environment; `overrides` wins (tests)."""
    return NotificationSettings.load("notifications", overrides)


def check_timing(settings: NotificationSettings) -> None:
    """A delivery's lease, renewed every fifth of its length, must still cover the server's reply
    and our record of it just before a renewal (notifications hands a message over only then)."""
    least = 1.25 * settings.smtp_timeout + 2
    if settings.delivery_lease_seconds < least:
        raise ConfigurationError(
            "KNOOP_DELIVERY_LEASE_SECONDS must be at least 1.25 x KNOOP_SMTP_TIMEOUT + 2 s "
            f"({settings.delivery_lease_seconds} < {least:g})"
        )
