"""The production proxy (deploy/nginx.conf.template, run by Debian's nginx) in front of the real
recruitment and appreciation apps, which trust one proxy (KNOOP_PROXY_HOPS=1) as in production: the
client's forwarded headers change nothing, plain HTTP goes to HTTPS, redirects keep the port, and a
service that is down does not stop the proxy or the others."""

from __future__ import annotations

import http.client
import ssl
import threading

import pytest
import requests
from flask import request
from werkzeug.serving import make_server

from deploy.local.harness import free_port
from tests.support.flows import open_network, platform_token
from tests.support.nginx import COMPOSE_UPSTREAMS, certificate, check_config, proxy_variables, start_nginx

pytestmark = pytest.mark.integration

SPOOFED = {
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "http",
    "X-Forwarded-For": "6.6.6.6",
    "Forwarded": "for=6.6.6.6;host=evil.example;proto=http",
}


def test_the_template_as_compose_fills_it_passes_nginx_t(tmp_path):
    """With the Compose values: upstream names no DNS here knows (the former `upstream` blocks failed
    `nginx -t` on them: "host not found in upstream"), Docker's resolver, ports 80 and 443."""
    variables = proxy_variables(
        http_port=80, https_port=443, upstreams=COMPOSE_UPSTREAMS, server_name="vrijwilligers.example.nl"
    )
    variables["NGINX_RESOLVER"] = "127.0.0.11"
    result = check_config(tmp_path / "nginx", variables, certificate(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


class Site:
    """The apps, each on its own werkzeug server, behind nginx; `seen` records what recruitment saw."""

    def __init__(self, apps: dict, seen: list, nginx, slug: str):
        self.apps, self.seen, self.nginx, self.slug = apps, seen, nginx, slug

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return requests.get(self.nginx.https_url + path, verify=self.nginx.ca, timeout=10, **kwargs)


def _addresses() -> tuple:
    """The client address the app uses, the X-Forwarded-For it was given, and who connected to it."""
    connected = request.environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR")
    return request.remote_addr, request.headers.get("X-Forwarded-For"), connected


def _serve(app) -> tuple[str, object]:
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"127.0.0.1:{port}", server


@pytest.fixture(scope="module")
def site(sqlite_provider, redis_server, tmp_path_factory):
    from services.appreciation import create_app as appreciation
    from services.recruitment import create_app as recruitment

    def config(service: str) -> dict:
        database, url = sqlite_provider.fresh(service), redis_server.url
        return {
            "profile": "test",
            "database_url": database,
            "redis_url": url,
            "broker_url": url,
            "proxy_hops": 1,
        }

    apps = {
        "recruitment": recruitment(config("recruitment")),
        "appreciation": appreciation(config("appreciation")),
    }
    seen = []
    apps["recruitment"].before_request(lambda: seen.append(_addresses()))
    slug = "enkhuizen"
    open_network(apps["recruitment"].test_client(), platform_token(apps["recruitment"]), slug=slug)
    served = {name: _serve(app) for name, app in apps.items()}
    upstreams = {name: address for name, (address, _) in served.items()}
    # Notifications' web container is down: nothing listens at its address.
    upstreams["notifications"] = f"127.0.0.1:{free_port()}"
    directory = tmp_path_factory.mktemp("nginx")
    nginx = start_nginx(
        directory,
        http_port=free_port(),
        https_port=free_port(),
        certs=certificate(directory),
        upstreams=upstreams,
    )
    yield Site(apps, seen, nginx, slug)
    nginx.stop()
    for _, server in served.values():
        server.shutdown()
    for app in apps.values():
        app.extensions["knoop"].db.dispose()


def test_a_spoofed_forwarded_host_changes_no_absolute_url(site):
    page = site.get(f"/n/{site.slug}", headers=SPOOFED)
    assert page.status_code == 200
    assert f'src="{site.nginx.https_url}/n/{site.slug}/embed?' in page.text
    assert "evil.example" not in page.text
    # The app does trust the header (one proxy): had nginx passed the client's on, it would show.
    direct = site.apps["recruitment"].test_client().get(f"/n/{site.slug}", headers=SPOOFED)
    assert f'src="http://evil.example/n/{site.slug}/embed?' in direct.get_data(as_text=True)


def test_a_request_for_another_host_is_closed_unanswered(site):
    with pytest.raises(requests.ConnectionError):
        site.get(f"/n/{site.slug}", headers={"Host": "evil.example"})
    with pytest.raises(requests.ConnectionError):
        requests.get(site.nginx.http_url + "/", headers={"Host": "evil.example"}, timeout=10)


def test_the_client_address_is_the_one_nginx_saw_never_the_clients_claim(site):
    context = ssl.create_default_context(cafile=site.nginx.ca)
    port = int(site.nginx.https_url.rsplit(":", 1)[1])
    # From 127.0.0.2, so that the address nginx saw differs from nginx's own (127.0.0.1).
    connection = http.client.HTTPSConnection(
        "localhost", port, context=context, source_address=("127.0.0.2", 0)
    )
    connection.request("GET", f"/n/{site.slug}", headers=SPOOFED)
    assert connection.getresponse().status == 200
    connection.close()
    assert site.seen[-1] == ("127.0.0.2", "127.0.0.2", "127.0.0.1")


def test_plain_http_is_redirected_to_https_on_its_port_except_acme_challenges(site):
    answer = requests.get(site.nginx.http_url + f"/n/{site.slug}?q=maatje", allow_redirects=False, timeout=10)
    assert answer.status_code == 301
    assert answer.headers["Location"] == f"{site.nginx.https_url}/n/{site.slug}?q=maatje"
    challenge = requests.get(site.nginx.http_url + "/.well-known/acme-challenge/token", timeout=10)
    assert challenge.status_code == 404 and not challenge.history  # looked up as a file, not redirected


@pytest.mark.parametrize("path", ["/waardering", "/waardering/kassa", "/api/appreciation"])
def test_appreciation_answers_its_prefix_itself_and_its_redirects_keep_the_port(site, path):
    answer = site.get(path, allow_redirects=True)
    direct = site.apps["appreciation"].test_client().get(path, follow_redirects=True)
    assert answer.status_code == direct.status_code
    assert [r.url for r in [*answer.history, answer]] == [
        site.nginx.https_url + r.request.full_path.rstrip("?") for r in [*direct.history, direct]
    ]


def test_a_service_that_is_down_answers_502_and_the_others_still_answer(site):
    assert site.get("/berichten/voorkeuren").status_code == 502
    assert site.get("/api/notifications/healthz").status_code == 502
    assert site.get(f"/n/{site.slug}").status_code == 200
    assert site.get("/waardering/inloggen").status_code == 200
