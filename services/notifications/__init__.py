"""Notifications: turns events into e-mails (Dutch and English), exactly once, with a delivery log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the domain module below is imported without Flask
    from flask import Flask

PACKAGE_DIR = Path(__file__).parent


def create_app(test_config: dict | None = None) -> Flask:
    """The notifications app: API under /api/notifications; the worker sends the e-mails."""
    from flask import Flask

    from services.notifications.api import register_api
    from services.notifications.config import load_settings
    from services.notifications.domain import BackOff
    from services.notifications.mailer import SmtpMailer
    from services.notifications.models import TABLES
    from services.notifications.rendering import EmailRenderer
    from services.notifications.tasks import register_tasks
    from services.notifications.usecases import log
    from services.notifications.usecases.deliveries import DeliveryService
    from services.notifications.views import pages
    from shared.i18n import Catalogue
    from shared.i18n import lazy_gettext as _l
    from shared.service import build_service
    from shared.tokens import LinkSigner
    from shared.web.audit_page import audit_blueprint

    app = Flask(__name__, static_folder=None)
    kit = build_service(
        app,
        title="Knoop notifications",
        description="Messages to people, and the log of their delivery.",
        tables=TABLES,
        package_dir=PACKAGE_DIR,
        settings=load_settings(test_config),
        login_path="/inloggen",
        url_prefix="/berichten",
    )
    settings = kit.settings
    renderer = EmailRenderer(Catalogue(PACKAGE_DIR / "translations"))
    unsubscribe = LinkSigner(settings.secret_keys, "preferences", max_age=5 * 365 * 24 * 3600)
    app.extensions["notifications_unsubscribe"] = unsubscribe
    # An organiser's preview of its event's invitation: appreciation signs the payload for an hour.
    preview = LinkSigner(settings.secret_keys, "invitation-preview", max_age=3600)
    app.extensions["notifications_invitation_preview"] = preview
    base = settings.public_base_url.rstrip("/")
    deliveries = DeliveryService(
        kit.db,
        SmtpMailer(settings),
        renderer,
        settings.mail_from,
        timedelta(seconds=settings.delivery_lease_seconds),
        unsubscribe_link=lambda email, kind: f"{base}/berichten/afmelden/{unsubscribe.sign([email, kind])}",
        back_off=BackOff(
            first=timedelta(seconds=settings.delivery_retry_seconds),
            most=timedelta(seconds=settings.delivery_retry_max_seconds),
            give_up_after=timedelta(hours=settings.delivery_give_up_hours),
        ),
    )
    app.extensions["knoop_deliveries"] = deliveries
    app.extensions["knoop_renderer"] = renderer
    register_api(app, kit.api)
    app.register_blueprint(pages)
    app.register_blueprint(
        audit_blueprint(log.audit, "/berichten/auditlog", _l("Log of exports and searches: messages"))
    )
    register_tasks(kit.celery, kit, deliveries)
    return app
