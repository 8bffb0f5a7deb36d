"""Race-free redemption through the running app: many counters at the same moment, over real HTTP
(a threaded server, each request its own connection and database session)."""

import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

from deploy.local.harness import free_port
from tests.support.appreciation import appreciation_events, pass_network

pytestmark = pytest.mark.integration

CLIENTS = 100


@pytest.fixture
def served(stack):
    pn = pass_network(stack)
    server = make_server("127.0.0.1", free_port(), pn.app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield pn, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def post_all(base: str, token: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    """Fire every request at once: all threads wait at a barrier, then send."""
    barrier = threading.Barrier(len(bodies))
    address = urlparse(base)

    def send(body: dict) -> tuple[int, dict]:
        conn = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        barrier.wait()
        conn.request(
            "POST",
            "/api/appreciation/redemptions",
            body=json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        result = (response.status, json.loads(response.read()))
        conn.close()
        return result

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


def test_a_hundred_simultaneous_redemptions_of_a_once_per_pass_offer_succeed_once(served):
    pn, base = served
    partner = pn.admit_partner("Theater De Drommedaris")
    offer = pn.offer("Theater De Drommedaris", "Twee voor één", usage="once")
    number = pn.nominate("Humanitas", "Joop Visser")["number"]

    results = post_all(base, partner["token"], [{"offer_id": offer, "number": number}] * CLIENTS)

    outcomes = sorted(body["outcome"] for _, body in results)
    assert outcomes.count("redeemed") == 1 and outcomes.count("already_used") == CLIENTS - 1, outcomes
    assert sorted(status for status, _ in results) == [201] + [409] * (CLIENTS - 1)
    assert len(appreciation_events(pn.app, "appreciation.pass_redeemed.v1")) == 1


def test_a_quantity_capped_offer_is_never_redeemed_beyond_its_cap(served):
    pn, base = served
    partner = pn.admit_partner("Zuiderzeemuseum", category="museum")
    offer = pn.offer("Zuiderzeemuseum", "Gratis entree", discount_kind="free", total_quantity=10)
    holders = [pn.nominate("Humanitas", f"Vrijwilliger {n}", f"v{n}@example.org") for n in range(40)]
    bodies = [{"offer_id": offer, "number": h["number"]} for h in holders for _ in range(2)]  # 80 at once

    results = post_all(base, partner["token"], bodies)

    outcomes = [body["outcome"] for _, body in results]
    assert outcomes.count("redeemed") == 10, outcomes
    assert set(outcomes) <= {"redeemed", "sold_out"}
    listed = pn.api("get", "/offers?network=enkhuizen").get_json()
    assert [o["redeemed"] for o in listed if o["id"] == offer] == [10]
