"""Recruitment: the network registry, joint vacancies, the public vacancy bank, responses, alerts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the domain package below is imported without Flask
    from flask import Flask

PACKAGE_DIR = Path(__file__).parent
# Endpoints anyone may POST to without a token: rate limited per client address.
PUBLIC_POSTS = [
    "responses.RespondToVacancy",
    "alerts.Subscribe",
    "bank.respond",
    "alert_pages.subscribe",
    "portal.login",
    "education.Registration",
    "student_pages.register",
    "student_pages.enter_code",
    "privacy_pages.ask",
]
# Endpoints that take a CSV file: bodies up to KNOOP_MAX_UPLOAD_BYTES instead of the JSON limit.
UPLOADS = ["education.CohortImport", "placement_pages.partner_import", "registry_admin.network_logo"]


def create_app(test_config: dict | None = None) -> Flask:
    """The recruitment app: API under /api/recruitment, the public vacancy bank at / and /vacatures."""
    from flask import Flask

    from services.recruitment.api import register_api
    from services.recruitment.cli import register_cli
    from services.recruitment.config import load_settings
    from services.recruitment.directory import NetworkDirectory
    from services.recruitment.links import Links
    from services.recruitment.models import TABLES
    from services.recruitment.tasks import register_tasks
    from services.recruitment.views import register_views
    from shared.service import build_service
    from shared.web.bodies import allow_uploads
    from shared.web.limits import limit_public_posts

    app = Flask(__name__, static_folder=None)
    kit = build_service(
        app,
        title="Knoop recruitment",
        description="Networks, member organisations, joint vacancies, responses and alerts.",
        tables=TABLES,
        package_dir=PACKAGE_DIR,
        settings=load_settings(test_config),
    )
    links = Links(kit.settings.secret_keys, kit.settings.public_base_url)
    app.extensions["recruitment_links"] = links
    app.extensions["recruitment_networks"] = NetworkDirectory(kit.db)
    register_api(app, kit.api)
    register_views(app)
    allow_uploads(app, UPLOADS)
    limit_public_posts(app, kit.settings.redis_url, kit.settings.public_post_limit, PUBLIC_POSTS)
    register_tasks(kit.celery, kit, links)
    register_cli(app, kit)
    return app
