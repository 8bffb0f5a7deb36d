"""The apps believe X-Forwarded-* headers from exactly the proxies KNOOP_PROXY_HOPS counts: none
without proxies, the nearest proxy's scheme and host, and the client address that the first trusted
proxy saw."""

import pytest
from flask import request

from services.notifications.config import NotificationSettings
from shared.config import ConfigurationError

NGINX = "10.0.0.2"  # the address the app sees connecting (the proxy next to it)


def _app(tmp_path, monkeypatch, hops: str | None):
    from services.notifications import create_app

    if hops is None:
        monkeypatch.delenv("KNOOP_PROXY_HOPS", raising=False)
    else:
        monkeypatch.setenv("KNOOP_PROXY_HOPS", hops)
    app = create_app({"profile": "test", "database_url": f"sqlite:///{tmp_path / 'n.db'}"})
    app.add_url_rule("/probe", "probe", lambda: {"address": request.remote_addr, "url": request.url_root})
    return app


def _probe(app, headers: dict) -> dict:
    client = app.test_client()
    return client.get("/probe", headers=headers, environ_base={"REMOTE_ADDR": NGINX}).get_json()


def test_without_proxies_no_forwarded_header_is_believed(tmp_path, monkeypatch):
    app = _app(tmp_path, monkeypatch, None)  # development and test: 0
    seen = _probe(app, {"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "evil.example"})
    assert seen == {"address": NGINX, "url": "http://localhost/"}


def test_behind_one_proxy_its_address_scheme_and_host_are_believed(tmp_path, monkeypatch):
    app = _app(tmp_path, monkeypatch, "1")
    headers = {
        "X-Forwarded-For": "6.6.6.6, 192.0.2.7",  # a client's claim, then what nginx appended
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "vrijwilligers.example.nl",
    }
    assert _probe(app, headers) == {"address": "192.0.2.7", "url": "https://vrijwilligers.example.nl/"}


def test_behind_a_load_balancer_and_nginx_the_address_is_the_balancers_and_the_rest_nginxs(
    tmp_path, monkeypatch
):
    app = _app(tmp_path, monkeypatch, "2")
    headers = {
        "X-Forwarded-For": "6.6.6.6, 192.0.2.7, 10.0.0.1",  # claim, balancer's client, nginx's client
        "X-Forwarded-Proto": "https",  # one value: nginx sets it, overwriting
        "X-Forwarded-Host": "vrijwilligers.example.nl",
    }
    assert _probe(app, headers) == {"address": "192.0.2.7", "url": "https://vrijwilligers.example.nl/"}


def test_production_trusts_one_proxy_unless_told_otherwise(monkeypatch):
    monkeypatch.setenv("KNOOP_SECRET_KEYS", "vQ3r8Zk1pX0bT7mW2yN6cL9dF4hJ5gS_aE")
    monkeypatch.delenv("KNOOP_PROXY_HOPS", raising=False)
    assert NotificationSettings.load("notifications", {"profile": "production"}).proxy_hops == 1
    monkeypatch.setenv("KNOOP_PROXY_HOPS", "0")
    assert NotificationSettings.load("notifications", {"profile": "production"}).proxy_hops == 0


def test_a_negative_number_of_proxies_is_refused(monkeypatch):
    monkeypatch.setenv("KNOOP_PROXY_HOPS", "-1")
    with pytest.raises(ConfigurationError, match="KNOOP_PROXY_HOPS"):
        NotificationSettings.load("notifications")
