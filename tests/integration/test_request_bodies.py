"""Bodies every app refuses before a view sees them: too large (413), JSON nested too deep, JSON
that names a key twice or carries NaN/Infinity (400), on every endpoint that takes a body and
always in the API's error shape; the CSV imports have a larger limit of their own."""

import re

import pytest

from tests.conftest import Stack
from tests.support.appreciation import pass_network
from tests.support.databases import SERVICES
from tests.support.flows import bearer
from tests.support.recruitment import network_with_members

pytestmark = pytest.mark.integration

NOBODY = "00000000-0000-4000-8000-000000000000"  # a record id that names no record
PLACEHOLDERS = {"int:": "1", "id:": NOBODY}

DEEP = "[" * 1000 + "]" * 1000
MIB = 1024 * 1024


@pytest.fixture
def apps(sqlite_provider, redis_url, mail_sink, tmp_path):
    """The three apps on SQLite: what a body looks like does not depend on the database."""
    stack = Stack({s: sqlite_provider.fresh(s) for s in SERVICES}, redis_url, mail_sink, tmp_path)
    yield stack
    stack.close()


def writing_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every rule that takes a body, placeholders filled in."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            path = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule.rule)  # a fixed choice: the first
            path = re.sub(r"<(int:|id:)?([^>]+)>", lambda m: PLACEHOLDERS.get(m.group(1), "x"), path)
            found.append((method, path))
    return found


def send(client, method: str, path: str, body: str, **headers):
    return client.open(path, method=method, data=body, content_type="application/json", headers=headers)


def assert_error_shape(response, code: int) -> dict:
    payload = response.get_json()
    assert response.status_code == code, (response.status_code, response.get_data(as_text=True)[:300])
    assert payload["code"] == code and payload["message"] and isinstance(payload["errors"], dict)
    return payload


@pytest.mark.parametrize("service", SERVICES)
def test_json_nested_a_thousand_deep_is_refused_with_400_on_every_endpoint(apps, service):
    client = apps.app(service).test_client()
    routes = writing_routes(apps.app(service))
    assert routes
    for method, path in routes:
        response = send(client, method, path, DEEP)
        assert response.status_code == 400, (method, path, response.status_code)
        if path.startswith("/api/"):
            assert "nested" in assert_error_shape(response, 400)["errors"]["json"][0]


def test_json_nested_within_the_limit_still_reaches_the_schema(apps):
    client = apps.app("recruitment").test_client()
    nested = '{"name": ' + "[" * 30 + "]" * 30 + "}"
    answer = send(client, "POST", f"/api/recruitment/vacancies/{NOBODY}/responses", nested)
    assert_error_shape(answer, 422)  # the schema's answer, not the body check's


@pytest.mark.parametrize("service", SERVICES)
def test_a_body_over_the_limit_is_refused_with_413_before_anything_else(apps, service):
    client = apps.app(service).test_client()
    big = '{"name": "' + "a" * MIB + '"}'
    payload = assert_error_shape(send(client, "POST", f"/api/{service}/healthz", big), 413)
    assert "1048576" in payload["message"]
    page = next(p for m, p in writing_routes(apps.app(service)) if not p.startswith("/api/"))
    answer = client.post(page, data={"name": "a" * MIB})
    assert answer.status_code == 413 and not answer.is_json


def test_the_public_response_endpoint_refuses_a_huge_body_without_reading_it(apps):
    client = apps.app("recruitment").test_client()
    answer = client.post(
        f"/api/recruitment/vacancies/{NOBODY}/responses",
        data=b"{" + b" " * (2 * MIB),
        content_type="application/json",
    )
    assert_error_shape(answer, 413)


def test_duplicate_keys_are_refused_with_400_naming_the_key(apps):
    net = network_with_members(apps.app("recruitment"))
    body = '{"title": "Maatje gezocht", "hours_per_week": 2, "hours_per_week": 30}'
    answer = send(net.client, "POST", "/api/recruitment/vacancies", body, **net.token("Humanitas"))
    payload = assert_error_shape(answer, 400)
    assert "hours_per_week" in payload["errors"]["json"][0]
    nested = '{"name": "A", "email": "a@example.org", "consent": true, "x": {"a": 1, "a": 2}}'
    public = send(net.client, "POST", f"/api/recruitment/vacancies/{NOBODY}/responses", nested)
    assert "more than once" in assert_error_shape(public, 400)["errors"]["json"][0]


def test_nan_and_infinity_are_not_json(apps):
    net = network_with_members(apps.app("recruitment"))
    for literal in ("NaN", "Infinity", "-Infinity"):
        body = '{"title": "Maatje gezocht", "hours_per_week": ' + literal + "}"
        answer = send(net.client, "POST", "/api/recruitment/vacancies", body, **net.token("Humanitas"))
        assert_error_shape(answer, 400)


def test_the_redemption_quick_path_refuses_duplicate_keys_and_deep_bodies(apps):
    pn = pass_network(apps)
    partner = pn.admit_partner("Theater Enkhuizen")
    offer_id = pn.offer("Theater Enkhuizen", "Twee halen, één betalen")
    number = pn.nominate("Humanitas", "Fatima Yilmaz")["number"]
    headers = bearer(partner["token"])
    twice = f'{{"offer_id": "{offer_id}", "number": "1", "number": "{number}"}}'
    answer = send(pn.client, "POST", "/api/appreciation/redemptions", twice, **headers)
    assert "number" in assert_error_shape(answer, 400)["errors"]["json"][0]
    deep = f'{{"offer_id": "{offer_id}", "number": "{number}", "x": {DEEP}}}'
    assert_error_shape(send(pn.client, "POST", "/api/appreciation/redemptions", deep, **headers), 400)
    right = f'{{"offer_id": "{offer_id}", "number": "{number}"}}'
    assert send(pn.client, "POST", "/api/appreciation/redemptions", right, **headers).status_code == 201


def test_csv_imports_take_files_above_the_json_limit_up_to_their_own(apps):
    pn = pass_network(apps)
    path = "/api/appreciation/passes/import"
    headers = {**pn.net.token("Humanitas"), "Content-Type": "text/csv"}
    assert_error_shape(pn.client.post(path, data=b"x" * 5_000_001, headers=headers), 413)
    # Above the JSON limit, within the upload limit: read in full, every row kept for the import job
    # (more rows than KNOOP_NOMINATION_INLINE_ROWS; its rows are nominated by the worker).
    csv = b"name;email\n" + (b"Vrijwilliger met een lange naam " * 8 + b";a@example.org\n") * 4500
    assert len(csv) > MIB
    answer = pn.client.post(path, data=csv, headers=headers)
    assert answer.status_code == 202, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["total"] == 4500
