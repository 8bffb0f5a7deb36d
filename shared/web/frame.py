"""The frame every page of the three services shares: the layout with each role's menu, the shared
static files, Dutch error pages with a way on, and the login redirect that brings a person back.

A service installs it once (`build_service` does), naming where its own login page is; everything a
page shows around its content comes from here, so the three services look and behave as one site.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, current_app, g, redirect, render_template, request
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import HTTPException

from shared.web.auth import current_principal
from shared.web.menu import ROLE_NAMES, login_path_for, menu_for, start_page

STATIC_DIR = Path(__file__).parent / "static"
# The error pages people can meet; any other HTTP error shows the page of its class (4xx or 500).
ERROR_PAGES = (400, 403, 404, 405, 409, 410, 413, 422, 429, 500)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: a login never sends anyone elsewhere."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(c) < 32 or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def chosen_network(networks: list, default_slug: str):
    """The network a bare login page is for: the configured default, or the only one; None when
    the person must choose (the page then lists them, knoop/login_networks.html)."""
    chosen = [n for n in networks if n.slug == default_slug] or (networks if len(networks) == 1 else [])
    return chosen[0] if chosen else None


def here() -> str:
    """The current page as a local path with its query, to come back to after logging in."""
    query = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{query}" if query else "")


def login_redirect(login_path: str):
    """Send a person without a session to the login page, which brings them back here after."""
    target = here() if request.method == "GET" else (request.referrer and urlsplit(request.referrer).path)
    nxt = safe_next(target)
    return redirect(login_path + (f"?{urlencode({'next': nxt})}" if nxt else ""), code=303)


def static_prefix(url_prefix: str) -> str:
    return f"{url_prefix}/static/knoop"


def install_frame(app: Flask, *, login_path: str, url_prefix: str = "") -> None:
    """Install the shared layout, static files, error pages and the login redirect on `app`.
    `url_prefix` is the path the service's pages live under behind the gateway ('' or '/waardering')."""
    app.register_blueprint(
        Blueprint(
            "knoop_ui",
            __name__,
            template_folder="templates",
            static_folder=str(STATIC_DIR),
            static_url_path=static_prefix(url_prefix),
        )
    )
    app.config["KNOOP_LOGIN_PATH"] = login_path

    @app.context_processor
    def _frame_context():
        principal = current_principal() if not request.path.startswith("/api/") else None
        return {
            "principal": principal,
            "menu": menu_for(principal),
            "start_page": start_page(principal),
            "current_path": request.path,
            "static": lambda name: f"{static_prefix(url_prefix)}/{name}",
            "csrf_token": generate_csrf,
            "login_path": login_path,
            "role_name": lambda role: ROLE_NAMES.get(role, role),
        }


def is_page_request(api_prefix: str) -> bool:
    return not request.path.startswith(api_prefix)


def error_page(exc: HTTPException):
    """An HTTP error on a page: 401 goes to the login; the rest is a Dutch page in the frame."""
    if exc.code == 401:
        roles = g.get("login_roles")
        return login_redirect(login_path_for(roles) if roles else current_app.config["KNOOP_LOGIN_PATH"])
    code = exc.code if exc.code in ERROR_PAGES else (500 if (exc.code or 500) >= 500 else 400)
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")]
    return render_template("knoop/error.html", code=code), exc.code or 500, headers
