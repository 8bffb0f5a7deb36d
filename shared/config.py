"""Settings every service reads from the environment; each service extends them in its own config.py."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

PROFILES = ("development", "test", "production")
DEFAULT_SECRET = "dev-only-secret-change-me"
REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KNOOP_VAR_DIR", REPO_ROOT / "var"))


class ConfigurationError(RuntimeError):
    """The environment does not describe a runnable configuration."""


def from_env(name: str, default: Any) -> Any:
    """A setting read from the environment variable `name`, parsed as its default's type."""
    return dataclasses.field(default=default, metadata={"env": name})


@dataclass(frozen=True)
class Settings:
    """What every service needs from its environment; built once by the app factory.

    A service's own settings subclass this with fields declared by `from_env`; `load` reads them."""

    service: str
    profile: str
    secret_keys: tuple[str, ...]
    database_url: str
    redis_url: str
    broker_url: str
    public_base_url: str = from_env("KNOOP_PUBLIC_URL", "http://localhost:8000")
    visibility_timeout: int = from_env("KNOOP_VISIBILITY_TIMEOUT", 3600)
    unacked_restore_seconds: int = from_env("KNOOP_UNACKED_RESTORE_SECONDS", 2)
    consumer_heartbeat_seconds: float = from_env("KNOOP_CONSUMER_HEARTBEAT_SECONDS", 10.0)
    outbox_sweep_seconds: float = from_env("KNOOP_OUTBOX_SWEEP_SECONDS", 5.0)
    outbox_retention_days: int = from_env("KNOOP_OUTBOX_RETENTION_DAYS", 30)
    # How long a beat's lock outlives it: a beat that dies without letting go (SIGKILL, a lost node)
    # is replaced by a waiting one after at most this long.
    beat_lock_seconds: int = from_env("KNOOP_BEAT_LOCK_SECONDS", 60)
    # A file beat touches each tick, for a liveness probe (deploy/kubernetes); none by default.
    beat_alive_file: str = from_env("KNOOP_BEAT_ALIVE_FILE", "")
    proxy_hops: int = 0  # read below: its default depends on the profile
    # Request bodies: every endpoint, and the CSV imports (a file of a few thousand rows).
    max_body_bytes: int = from_env("KNOOP_MAX_BODY_BYTES", 1024 * 1024)
    max_upload_bytes: int = from_env("KNOOP_MAX_UPLOAD_BYTES", 5_000_000)

    @property
    def secret_key(self) -> str:
        """The newest key signs; all of them verify (see shared.tokens)."""
        return self.secret_keys[-1]

    @classmethod
    def load(cls, service: str, overrides: dict | None = None) -> Self:
        """Read `service`'s settings from the environment; `overrides` wins (tests). Override keys
        this class has no field for are ignored: tests configure every service with one dict."""
        overrides = dict(overrides or {})
        profile = overrides.pop("profile", None) or _env("KNOOP_ENV", "development")
        if profile not in PROFILES:
            raise ConfigurationError(f"KNOOP_ENV must be one of {PROFILES}, not {profile!r}")
        keys = tuple(k.strip() for k in (_env("KNOOP_SECRET_KEYS", "") or "").split(",") if k.strip())
        redis_url = _env("KNOOP_REDIS_URL", "redis://127.0.0.1:6379/0")
        values = {
            f.name: _parse(f.metadata["env"], f.default)
            for f in dataclasses.fields(cls)
            if "env" in f.metadata
        }
        values.update(
            service=service,
            profile=profile,
            secret_keys=keys or (DEFAULT_SECRET,),
            database_url=_env(f"{service.upper()}_DATABASE_URL", default_database_url(service)),
            redis_url=redis_url,
            broker_url=_env("KNOOP_BROKER_URL", redis_url),
            # How many reverse proxies stand in front, whose X-Forwarded-* headers are believed: one
            # (nginx, or the Ingress) in production; none elsewhere, where the apps face clients.
            proxy_hops=int(_env("KNOOP_PROXY_HOPS", "1" if profile == "production" else "0")),
        )
        known = {f.name for f in dataclasses.fields(cls)}
        values.update({key: value for key, value in overrides.items() if key in known})
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse a configuration that must not run; subclasses add their own checks."""
        check_production_safety(self)
        if self.proxy_hops < 0:
            raise ConfigurationError("KNOOP_PROXY_HOPS counts the proxies in front: 0 or more")


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _parse(name: str, default: Any) -> Any:
    value = _env(name)
    if value is None:
        return default
    if isinstance(default, bool):
        return value.lower() in ("1", "true", "yes", "on")
    return type(default)(value)


def default_database_url(service: str) -> str:
    """One SQLite file per service: the embedded default."""
    return f"sqlite:///{VAR_DIR / f'{service}.db'}"


# Words of the placeholders our examples publish (deploy/env.example, the Kubernetes overlays'
# secrets.env.example): a key holding one was copied from an example, not made at random.
PLACEHOLDER_WORDS = ("change-me", "changeme", "replace", "example", "placeholder", "random-characters")
# A random key of 32 or more characters from a base64 or hex alphabet has far more distinct ones.
LEAST_DISTINCT_CHARACTERS = 12


def check_production_safety(settings: Settings) -> None:
    """Production refuses to start with a missing, default, example or too simple secret, and with
    an example's placeholder as the password of its database or Redis."""
    if settings.profile != "production":
        return
    if DEFAULT_SECRET in settings.secret_keys:
        raise ConfigurationError("production needs KNOOP_SECRET_KEYS (a random secret of your own)")
    if any(len(k) < 32 for k in settings.secret_keys):
        raise ConfigurationError("every key in KNOOP_SECRET_KEYS must be at least 32 characters")
    if any(_placeholder(k) for k in settings.secret_keys):
        raise ConfigurationError(
            "KNOOP_SECRET_KEYS holds an example's placeholder or a too simple key: make one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
        )
    for name, url in _service_urls(settings).items():
        password = urlsplit(url).password or ""
        if any(word in password.lower() for word in PLACEHOLDER_WORDS):
            raise ConfigurationError(
                f"{name} holds an example's placeholder password: set a password of your own"
            )


def _service_urls(settings: Settings) -> dict[str, str]:
    return {
        f"{settings.service.upper()}_DATABASE_URL": settings.database_url,
        "KNOOP_REDIS_URL": settings.redis_url,
        "KNOOP_BROKER_URL": settings.broker_url,
    }


def _placeholder(key: str) -> bool:
    lowered = key.lower()
    return any(word in lowered for word in PLACEHOLDER_WORDS) or len(set(key)) < LEAST_DISTINCT_CHARACTERS


@dataclass(frozen=True)
class PublicSiteSettings(Settings):
    """Settings of a service with public pages: a front page and forms anyone may post."""

    # The network a bare page is for when the installation serves one (or a favourite) network.
    default_network: str = from_env("KNOOP_DEFAULT_NETWORK", "")
    public_post_limit: str = from_env("KNOOP_PUBLIC_POST_LIMIT", "30 per hour")
