"""One entry point for people: routes path prefixes to the three service apps, like the production
reverse proxy does (see deploy/nginx.conf.template). Prefixes are not stripped, so every app sees the
same paths it would see behind the proxy.

    gunicorn 'deploy.local.gateway:create_gateway()'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from services.appreciation import create_app as create_appreciation
from services.notifications import create_app as create_notifications
from services.recruitment import create_app as create_recruitment
from shared.heap import freeze_startup_heap

# Longest prefix wins; recruitment serves everything else (the public vacancy bank at /).
ROUTES = (
    ("/api/appreciation", "appreciation"),
    ("/waardering", "appreciation"),
    ("/api/notifications", "notifications"),
    ("/berichten", "notifications"),
)


class PrefixRouter:
    """A WSGI app that hands each request to the app owning its path prefix."""

    def __init__(self, apps: dict[str, Callable], default: str, routes=ROUTES):
        self.apps = apps
        self.default = default
        self.routes = sorted(routes, key=lambda r: len(r[0]), reverse=True)

    def owner(self, path: str) -> str:
        for prefix, name in self.routes:
            if path == prefix or path.startswith(prefix + "/"):
                return name
        return self.default

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        return self.apps[self.owner(environ.get("PATH_INFO", "/"))](environ, start_response)


def create_gateway() -> PrefixRouter:
    """The three apps behind one port: `gunicorn 'deploy.local.gateway:create_gateway()'`."""
    apps = {
        "recruitment": create_recruitment(),
        "appreciation": create_appreciation(),
        "notifications": create_notifications(),
    }
    freeze_startup_heap()
    return PrefixRouter(apps, default="recruitment")
