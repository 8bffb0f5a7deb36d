"""Appreciation: the volunteer pass, discount partners and joint appreciation events."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

PACKAGE_DIR = Path(__file__).parent


def create_app(test_config: dict | None = None) -> Flask:
    """The appreciation app: API under /api/appreciation."""
    from services.appreciation.api import register_api
    from services.appreciation.cli import register_cli
    from services.appreciation.models import TABLES
    from services.appreciation.tasks import register_tasks
    from shared.service import build_service

    app = Flask(__name__, static_folder=None)
    kit = build_service(
        app,
        "appreciation",
        title="Knoop appreciation",
        description="Volunteer passes, discount partners, appreciation events.",
        tables=TABLES,
        package_dir=PACKAGE_DIR,
        test_config=test_config,
    )
    register_api(app, kit.api)
    register_tasks(kit.celery, kit)
    register_cli(app, kit)
    return app
