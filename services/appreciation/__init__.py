"""Appreciation: the volunteer pass, discount partners and joint appreciation events (Gathering in
code)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the domain package below is imported without Flask
    from flask import Flask

PACKAGE_DIR = Path(__file__).parent
# Where a pass code is tried: wrong codes count against the partner and the client address.
WRONG_CODE_ENDPOINTS = ["redemption.Redemptions", "pass_pages.counter", "pass_pages.scanned"]
# Endpoints anyone may POST to without a login: rate limited per client address.
PUBLIC_POSTS = ["pass_pages.login"]
# Endpoints that take a CSV file: bodies up to KNOOP_MAX_UPLOAD_BYTES instead of the JSON limit.
UPLOADS = ["passes.PassImport"]
# How long a process remembers who an API token belongs to. Tills call the redemption API with
# the same token many times a minute; a redemption re-checks in its own query that the token is
# not revoked, so only the other API calls may see a revocation up to this late.
TOKEN_SECONDS = 5.0


def create_app(test_config: dict | None = None) -> Flask:
    """The appreciation app: API under /api/appreciation, pages under /waardering."""
    from flask import Flask

    from services.appreciation.api import register_api
    from services.appreciation.cli import register_cli
    from services.appreciation.config import load_settings
    from services.appreciation.links import Links
    from services.appreciation.models import TABLES
    from services.appreciation.tasks import register_tasks
    from services.appreciation.views import register_pages
    from services.appreciation.wrong_codes import limit_wrong_codes
    from shared.api_tokens import RememberedPrincipals
    from shared.service import build_service
    from shared.web.bodies import allow_uploads
    from shared.web.limits import limit_public_posts

    app = Flask(__name__, static_folder=None)
    kit = build_service(
        app,
        title="Knoop appreciation",
        description="Volunteer passes, discount partners, appreciation events.",
        tables=TABLES,
        package_dir=PACKAGE_DIR,
        settings=load_settings(test_config),
        login_path="/waardering/inloggen",
        url_prefix="/waardering",
    )
    app.extensions["knoop_authenticator"] = RememberedPrincipals(
        app.extensions["knoop_authenticator"], TOKEN_SECONDS
    )
    links = Links(kit.settings.secret_keys, kit.settings.public_base_url)
    app.extensions["appreciation_links"] = links
    register_api(app, kit.api)
    register_pages(app)
    allow_uploads(app, UPLOADS)
    limit_wrong_codes(app, kit.settings.redis_url, kit.settings.wrong_code_limit, WRONG_CODE_ENDPOINTS)
    limit_public_posts(app, kit.settings.redis_url, kit.settings.public_post_limit, PUBLIC_POSTS)
    register_tasks(kit.celery, kit, links)
    register_cli(app, kit)
    return app
