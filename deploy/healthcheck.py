"""The image's HEALTHCHECK: exits 0 when the web process on this container answers its liveness probe.

    python -m deploy.healthcheck [port]

One image serves every service, so it asks each service's `/api/<service>/livez` in turn (the
others answer 404); the web container's gunicorn binds port 8000 (docker-compose.yml).
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

SERVICES = ("recruitment", "appreciation", "notifications")
PORT = 8000


def alive(port: int = PORT, timeout: float = 3) -> bool:
    """Whether one of the services answers 200 on its livez path at 127.0.0.1:`port`."""
    for service in SERVICES:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/{service}/livez", timeout=timeout):
                return True
        except urllib.error.HTTPError:
            continue  # another service's process: it answered, but not for this path
        except OSError:
            return False  # nothing listens, or it does not answer in time
    return False


if __name__ == "__main__":
    sys.exit(0 if alive(int(sys.argv[1]) if len(sys.argv) > 1 else PORT) else 1)
