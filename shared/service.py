"""What every Knoop service is made of, assembled the same way in each app factory.

A service supplies its settings (its name among them), its tables and its catalogue; this module
wires the database, outbox relay, inbox, dead letters, Celery, the API, health checks, languages and
operator commands.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from celery import Celery
from flask import Flask
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from shared.api_tokens import ApiTokenMixin, principal_for
from shared.config import Settings
from shared.db import Database, Tables
from shared.i18n import Catalogue, init_i18n
from shared.messaging.celery_factory import make_celery
from shared.messaging.deadletters import DeadLetterBox
from shared.messaging.outbox import wake_relay_after_commits
from shared.messaging.relay import OutboxRelay, RelayWakeup, celery_publisher
from shared.operator_cli import register_operator_commands
from shared.web.api import make_api
from shared.web.bodies import install_body_limits
from shared.web.frame import install_frame
from shared.web.health import health_blueprint
from shared.web.security import install_security_headers
from shared.web.sessions import install_sessions


@dataclass
class ServiceKit:
    """The assembled infrastructure of one service, kept in ``app.extensions["knoop"]``."""

    settings: Settings
    db: Database
    tables: Tables
    celery: Celery
    api: Api
    dead_letters: DeadLetterBox
    migrations: Path

    def relay(self) -> OutboxRelay:
        return OutboxRelay(self.db, self.tables.outbox, celery_publisher(self.celery))

    def wakeup(self) -> RelayWakeup:
        """The relay's doorbell, which committing processes ring through Redis."""
        return RelayWakeup(self.settings.redis_url, self.settings.service)


def build_service(
    app: Flask,
    *,
    title: str,
    description: str,
    tables: Tables,
    package_dir: Path,
    settings: Settings,
    login_path: str = "/inloggen",
    url_prefix: str = "",
) -> ServiceKit:
    """Wire the shared infrastructure into `app`; the caller then adds its blueprints and tasks.
    `login_path` is where a page sends a person without a session; `url_prefix` is where the
    service's pages live behind the gateway (the frame's static files are served beneath it).
    `settings` are the service's own (its config.py), loaded by its app factory."""
    # The newest key signs; older ones still verify (rotation), for sessions as for links.
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SECRET_KEY_FALLBACKS=list(settings.secret_keys[:-1]),
        KNOOP_SETTINGS=settings,
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    service = settings.service
    db = Database(settings.database_url)
    wake_relay_after_commits(db, RelayWakeup(settings.redis_url, service).ring)
    dead_letters = DeadLetterBox(db, tables.dead_letters, queue=service)
    celery = make_celery(app, settings, dead_letters)
    api = make_api(app, service, title, description)
    install_body_limits(app, settings.max_body_bytes, settings.max_upload_bytes)
    install_security_headers(app, production=settings.profile == "production")
    if settings.proxy_hops:
        # Each trusted proxy adds one address to X-Forwarded-For; the scheme and host are set once, by the
        # proxy next to the app, which overwrites the client's (deploy/nginx.conf.template).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops, x_proto=1, x_host=1)
    install_sessions(app, production=settings.profile == "production")
    app.register_blueprint(health_blueprint(service, db, settings.redis_url, package_dir / "migrations"))
    install_frame(app, login_path=login_path, url_prefix=url_prefix)
    init_i18n(app, Catalogue(package_dir / "translations"))
    app.extensions["knoop_authenticator"] = _authenticator(db, tables.api_tokens)
    kit = ServiceKit(settings, db, tables, celery, api, dead_letters, package_dir / "migrations")
    app.extensions["knoop"] = kit
    register_operator_commands(app, kit)
    return kit


def _authenticator(db: Database, model: type[ApiTokenMixin]):
    def authenticate(token: str):
        # A plain connection, not an ORM session: this runs on every API request.
        with db.engine.connect() as connection:
            return principal_for(connection, model, token)

    return authenticate
