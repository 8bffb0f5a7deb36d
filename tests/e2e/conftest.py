"""Browser tests: headless Chromium from Debian's packages, driven by Playwright, against the app
served over real HTTP, with real workers and the SMTP sink behind it.

A journey tried on a phone and on a desktop runs the same code against the database at both widths, so
its desktop run is on SQLite only (the embedded default); the phone run is on both databases. The
frame's own pages (menus, logins, error pages) read nothing a database changes: that module runs on
SQLite, and tests/integration/test_page_frame.py opens the same pages on both databases. The long
journeys of appreciation's back office (ONCE_EACH) run twice in all: on a phone on PostgreSQL and on a
desktop on SQLite, so each width and each database is tried once."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from deploy.local.harness import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# `@pytest.mark.parametrize(**ONCE_EACH)`: the test takes `phone`; the database follows the width.
ONCE_EACH = {
    "argnames": ("phone", "backend"),
    "argvalues": [(True, "postgresql"), (False, "sqlite")],
    "indirect": ["backend"],
    "ids": ["phone-postgresql", "desktop-sqlite"],
}


def pytest_collection_modifyitems(config, items):
    """Leave out each desktop run on PostgreSQL (see the module's docstring); pytest reports them as
    deselected, not as passed."""
    repeated = [item for item in items if _desktop_on_postgresql(item)]
    if repeated:
        config.hook.pytest_deselected(items=repeated)
        items[:] = [item for item in items if item not in repeated]


def _desktop_on_postgresql(item) -> bool:
    params = getattr(getattr(item, "callspec", None), "params", {})
    return params.get("phone") is False and params.get("backend") == "postgresql"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("KNOOP_REQUIRE_BROWSER"):
            pytest.fail("KNOOP_REQUIRE_BROWSER is set but Debian's chromium is not installed")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; CI does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def serve():
    """Serve a WSGI app on a free loopback port in a thread; returns its base URL."""
    servers = []

    def start(app) -> str:
        port = free_port()
        server = make_server("127.0.0.1", port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture
def site(stack, serve):
    """The three services behind one address, as the gateway and the proxy put them; the relays and
    workers run, so every e-mail a page causes arrives in the SMTP sink."""
    from deploy.local.gateway import PrefixRouter

    for service in ("recruitment", "appreciation", "notifications"):
        stack.start_relay(service)
    stack.start_worker("notifications")
    stack.start_worker("appreciation")
    apps = {name: stack.app(name) for name in ("recruitment", "appreciation", "notifications")}
    return serve(PrefixRouter(apps, default="recruitment"))


@pytest.fixture
def visitor(browser, site, stack):
    """People in browsers on the site: `visitor()` is someone on a phone, `visitor(phone=False)`
    on a desktop. Each is closed after the test."""
    from tests.support.browser import Visitor

    opened = []

    def open_one(phone: bool = True) -> Visitor:
        opened.append(Visitor(browser, site, stack, phone=phone))
        return opened[-1]

    yield open_one
    for one in opened:
        one.close()
