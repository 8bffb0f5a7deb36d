"""The one-port gateway routes path prefixes to the app that owns them, as the proxy does."""

from deploy.local.gateway import PrefixRouter


def named(name):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [name.encode()]

    return app


def owner_of(path):
    router = PrefixRouter(
        {n: named(n) for n in ("recruitment", "appreciation", "notifications")}, default="recruitment"
    )
    return router.owner(path)


def test_api_prefixes_go_to_their_service():
    assert owner_of("/api/appreciation/healthz") == "appreciation"
    assert owner_of("/api/notifications/openapi.json") == "notifications"
    assert owner_of("/api/recruitment/vacancies") == "recruitment"


def test_public_pages_default_to_recruitment_and_prefixes_match_whole_segments():
    assert owner_of("/") == "recruitment"
    assert owner_of("/vacatures/x") == "recruitment"
    assert owner_of("/api/appreciationx") == "recruitment"
