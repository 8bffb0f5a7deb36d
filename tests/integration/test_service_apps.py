"""Each service: OpenAPI document, docs page, and a health check that really checks."""

import pytest

pytestmark = pytest.mark.integration

SERVICES = ("recruitment", "appreciation", "notifications")


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_document_is_served_under_the_service_prefix(stack, service):
    client = stack.app(service).test_client()
    document = client.get(f"/api/{service}/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert all(path.startswith(f"/api/{service}/") for path in document["paths"])
    docs = client.get(f"/api/{service}/docs")
    assert (
        docs.status_code == 200
        and "'unsafe-inline'" in docs.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )  # Swagger UI's one inline script may run


@pytest.mark.parametrize("service", SERVICES)
def test_the_docs_page_loads_its_script_and_styles_from_our_own_files(stack, service):
    """A network's intranet may have no internet: no CDN in the page or the policy."""
    client = stack.app(service).test_client()
    docs = client.get(f"/api/{service}/docs")
    assert "http" not in docs.headers["Content-Security-Policy"]
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f'"/api/{service}/docs-assets/{asset}"' in docs.text
        assert client.get(f"/api/{service}/docs-assets/{asset}").status_code == 200


@pytest.mark.parametrize("service", SERVICES)
def test_healthz_reports_database_redis_and_schema(stack, service):
    response = stack.app(service).test_client().get(f"/api/{service}/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok", "schema": "ok"}


def test_healthz_fails_when_redis_is_unreachable(databases, tmp_path):
    from services.notifications import create_app

    app = create_app(
        {
            "profile": "test",
            "database_url": databases["notifications"],
            "redis_url": "redis://127.0.0.1:1/0",
            "broker_url": "redis://127.0.0.1:1/0",
        }
    )
    response = app.test_client().get("/api/notifications/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"].startswith("error")


def test_unknown_api_path_answers_json_404(stack):
    response = stack.app("recruitment").test_client().get("/api/recruitment/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


def test_responses_carry_security_headers(stack):
    response = stack.app("recruitment").test_client().get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # only in production
