"""Recruitment: the network registry, joint vacancies and the public vacancy bank."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

PACKAGE_DIR = Path(__file__).parent


def create_app(test_config: dict | None = None) -> Flask:
    """The recruitment app: API under /api/recruitment, public pages at / and /vacatures."""
    from services.recruitment.api import register_api
    from services.recruitment.cli import register_cli
    from services.recruitment.models import TABLES
    from services.recruitment.tasks import register_tasks
    from services.recruitment.views import pages
    from shared.service import build_service

    app = Flask(__name__, static_folder=None)
    kit = build_service(
        app,
        "recruitment",
        title="Knoop recruitment",
        description="Networks, member organisations and joint vacancies.",
        tables=TABLES,
        package_dir=PACKAGE_DIR,
        test_config=test_config,
    )
    register_api(app, kit.api)
    app.register_blueprint(pages)
    register_tasks(kit.celery, kit)
    register_cli(app, kit)
    return app
