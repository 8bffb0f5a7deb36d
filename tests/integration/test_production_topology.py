"""Production as deploy/docker-compose.yml writes it, run without containers: PostgreSQL, Redis with
deploy/redis.conf, nginx with deploy/nginx.conf.template, and every web, worker, beat and relay
process started with exactly Compose's command and environment (tests/support/topology.py says
what is translated: host names and each web process's port). The migration runs first, twice at
once (one does the work, the other waits for its lock and finds nothing to do); then, through
nginx over TLS only: every service is ready, a vacancy's e-mail reaches the sink once, a partner's
till redeems a pass, and a spoofed X-Forwarded-Host changes nothing."""

from __future__ import annotations

import json
import re
import time

import pytest
import requests

from deploy.local.harness import free_port, wait_until
from tests.support.nginx import certificate, start_nginx
from tests.support.topology import (
    ComposeProcess,
    Topology,
    compose_services,
    env_file,
    knoop_processes,
    start_redis,
    strong_secret,
)

pytestmark = pytest.mark.integration

SERVICES = ("recruitment", "appreciation", "notifications")
VACANCY = "Voorlezen in de bibliotheek van Hoorn"  # a title the demo does not use


class Through:
    """Requests to the proxy's HTTPS address, answered as the test client answers."""

    def __init__(self, base: str, ca: str):
        self.base, self.ca, self.session = base, ca, requests.Session()

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        # Per request: a session's `verify` loses to REQUESTS_CA_BUNDLE where that is set.
        return self.session.request(method, self.base + path, verify=self.ca, timeout=15, **kwargs)

    def ready(self, service: str) -> bool:
        """Whether the service answers ready; not yet while its processes still start on a busy machine."""
        try:
            return self.request("GET", f"/api/{service}/readyz").status_code == 200
        except requests.RequestException:
            return False

    def json(self, method: str, path: str, token: str, expected: int, **kwargs) -> dict:
        answer = self.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)
        assert answer.status_code == expected, answer.text
        return answer.json()


@pytest.fixture
def production(postgres, mail_sink, tmp_path):
    """Compose's topology on this machine, migrated and started; yields (topology, proxy)."""
    redis = start_redis(tmp_path / "redis")
    certs = certificate(tmp_path)
    https_port = free_port()
    env = env_file(
        {
            "KNOOP_SECRET_KEYS": strong_secret(),
            "KNOOP_PUBLIC_URL": f"https://localhost:{https_port}",
            "KNOOP_REDIS_URL": redis.url,
            **{f"{s.upper()}_DATABASE_URL": postgres.fresh_empty(s) for s in SERVICES},
            "KNOOP_SMTP_HOST": "127.0.0.1",
            "KNOOP_SMTP_PORT": str(mail_sink.port),
            "KNOOP_SMTP_STARTTLS": "false",
            "KNOOP_SMTP_USER": "",
            "KNOOP_SMTP_PASSWORD": "",
            "NGINX_SERVER_NAME": "localhost",
        }
    )
    topology = Topology(env, tmp_path)
    processes = knoop_processes()
    migrate = processes.pop("migrate")
    # Two releases' migrations at once: both succeed, one after the other's advisory lock.
    first, second = topology.start(migrate), topology.start(migrate)
    assert first.process.wait(120) == 0 and second.process.wait(120) == 0, topology.logs()
    for process in processes.values():
        topology.start(process)
    proxy = compose_services()["proxy"]["environment"]
    upstreams = {
        service: f"127.0.0.1:{topology.ports[proxy[f'NGINX_{service.upper()}_UPSTREAM'].split(':')[0]]}"
        for service in SERVICES
    }
    nginx = start_nginx(
        tmp_path / "nginx", http_port=free_port(), https_port=https_port, certs=certs, upstreams=upstreams
    )
    yield topology, nginx
    print(topology.logs(), nginx.log())  # pytest shows it only when the test failed
    nginx.stop()
    topology.stop()
    redis.stop()


def operator(topology: Topology, command: str) -> str:
    """An operator's command in the image, with the apps' environment."""
    done = topology.run(ComposeProcess("operator", command))
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_compose_as_written_serves_mails_and_redeems_through_the_proxy(production, mail_sink):
    topology, nginx = production
    web = Through(nginx.https_url, nginx.ca)
    for service in SERVICES:
        wait_until(lambda s=service: web.ready(s), 90, message=f"{service} ready through the proxy")

    # A member publishes a vacancy through the proxy; its e-mail arrives once.
    platform = operator(topology, "flask --app services.recruitment platform-token --name t").split()[-1]
    body = {"name": "Netwerk Hoorn", "slug": "hoorn", "region": "Hoorn", "contact_email": "c@example.org"}
    body["moderated"] = False  # a member's submitted vacancy is published at once
    network = web.json("POST", "/api/recruitment/networks", platform, 201, json=body)
    member = {"name": "Humanitas", "contact_name": "Anne de Vries", "contact_email": "humanitas@example.org"}
    member = web.json(
        "POST", "/api/recruitment/organisations", network["coordinator_token"], 201, json=member
    )
    vacancy = {"title": VACANCY, "place": "Hoorn", "hours_per_week": 2}
    vacancy = web.json("POST", "/api/recruitment/vacancies", member["token"], 201, json=vacancy)
    web.json("POST", f"/api/recruitment/vacancies/{vacancy['id']}/submit", member["token"], 200)
    subject = f"Je vacature staat online: {VACANCY}"
    wait_until(lambda: subject in subjects(mail_sink), 30, message=f"the vacancy's e-mail\n{topology.logs()}")
    assert f"{nginx.https_url}/vacatures/{vacancy['id']}" in mail_text(mail_sink, subject)

    # The demo's partner redeems a pass at its till, through the proxy: once, then refused.
    operator(topology, "flask --app services.recruitment demo")
    operator(topology, "flask --app services.appreciation demo")
    demo = json.loads((topology.directory / "var" / "demo.json").read_text())
    till = demo["discount_partner_tokens"]["Theater De Drommedaris"]
    pass_mail = wait_until(lambda: pass_number(mail_sink, "joop@example.org"), 30, message="the pass e-mail")
    offers = web.json("GET", f"/api/appreciation/offers?network={demo['network_slug']}", till, 200)
    [once] = [o for o in offers if o["title"] == "Twee kaartjes voor de prijs van één"]
    redeem = {"offer_id": once["id"], "number": pass_mail}
    assert web.json("POST", "/api/appreciation/redemptions", till, 201, json=redeem)["outcome"] == "redeemed"
    assert (
        web.json("POST", "/api/appreciation/redemptions", till, 409, json=redeem)["outcome"] == "already_used"
    )

    # A client's X-Forwarded-Host reaches no absolute URL.
    page = web.request("GET", "/n/hoorn", headers={"X-Forwarded-Host": "evil.example"})
    assert page.status_code == 200 and "evil.example" not in page.text
    assert f"{nginx.https_url}/n/hoorn/embed" in page.text

    time.sleep(1)  # anything sent twice would have arrived by now
    assert subjects(mail_sink).count(subject) == 1


def subjects(sink) -> list[str]:
    return [m["subject"] for m in sink.summaries()]


def mail_text(sink, subject: str) -> str:
    return next(m["text"] for m in sink.summaries() if m["subject"] == subject)


def pass_number(sink, address: str) -> str | None:
    for mail in sink.summaries():
        if address in mail["to"]:
            found = re.search(r"Pasnummer: (.+)", mail["text"])
            if found:
                return found.group(1).strip()
    return None
