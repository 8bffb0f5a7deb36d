"""The frame's answers when something is not right: Dutch pages with a way on for people, JSON for
the API, and a login that comes back to the page that asked for it."""

from urllib.parse import urlparse

import pytest
from werkzeug.exceptions import TooManyRequests

from tests.support.placements import csrf
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration


@pytest.fixture
def app(stack):
    return stack.app("recruitment")


def test_a_missing_page_is_a_dutch_page_but_the_api_keeps_answering_json(app):
    client = app.test_client()
    page = client.get("/vacatures/00000000-0000-0000-0000-000000000000")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "<h1>Pagina niet gevonden</h1>" in page.get_data(as_text=True)
    assert 'href="/"' in page.get_data(as_text=True)  # the way on
    api = client.get("/api/recruitment/vacancies/00000000-0000-0000-0000-000000000000")
    assert api.status_code == 404 and api.get_json()["code"] == 404


def test_a_role_that_may_not_open_a_page_gets_a_dutch_403_with_its_own_start_page(app):
    net = network_with_members(app)
    client = app.test_client()
    page = client.get(f"/n/{net.slug}/inloggen").get_data(as_text=True)
    client.post(
        f"/n/{net.slug}/inloggen", data={"csrf_token": csrf(page), "email": "present@enkhuizen.example.org"}
    )
    from tests.support.recruitment import events

    [*_, sent] = events(app, "recruitment.login_link_requested.v1")
    link = sent["links"][0]["url"].split("localhost:8000", 1)[-1]
    confirm = client.get(link).get_data(as_text=True)
    assert client.post(link, data={"csrf_token": csrf(confirm)}).location == "/portaal"
    refused = client.get("/portaal/groepen")  # the coordinator's allocation pages
    assert refused.status_code == 403
    text = refused.get_data(as_text=True)
    assert "Je mag deze pagina niet openen" in text and 'href="/portaal"' in text


def test_too_many_attempts_and_a_crash_are_dutch_pages_too(stack):
    from services.recruitment import create_app

    app = create_app({"database_url": stack.databases["recruitment"], "redis_url": stack.redis_url})

    @app.get("/_test/te-vaak")
    def too_often():
        raise TooManyRequests(retry_after=60)

    @app.get("/_test/kapot")
    def broken():
        raise RuntimeError("a bug")

    client = app.test_client()
    busy = client.get("/_test/te-vaak")
    assert busy.status_code == 429 and busy.headers["Retry-After"] == "60"
    assert "Te veel pogingen" in busy.get_data(as_text=True)
    crashed = client.get("/_test/kapot")
    assert crashed.status_code == 500
    assert "Er ging bij ons iets mis" in crashed.get_data(as_text=True)
    app.extensions["knoop"].db.dispose()


def test_a_login_link_asked_for_from_a_page_opens_that_page(app):
    net = network_with_members(app)
    client = app.test_client()
    sent_to_login = client.get("/portaal/stages")
    assert sent_to_login.location == "/inloggen?next=%2Fportaal%2Fstages"
    login = client.get(sent_to_login.location, follow_redirects=True).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/portaal/stages"' in login
    client.post(
        f"/n/{net.slug}/inloggen",
        data={
            "csrf_token": csrf(login),
            "email": "humanitas@enkhuizen.example.org",
            "next": "/portaal/stages",
        },
    )
    [*_, sent] = events(app, "recruitment.login_link_requested.v1")
    link = sent["links"][0]["url"].split("localhost:8000", 1)[-1]
    other_device = app.test_client()  # the e-mail is opened on the phone: the path is in the link
    confirm = other_device.get(link).get_data(as_text=True)
    assert other_device.post(link, data={"csrf_token": csrf(confirm)}).location == "/portaal/stages"


def _login_link(app) -> str:
    [*_, sent] = events(app, "recruitment.login_link_requested.v1")
    return urlparse(sent["links"][0]["url"]).path
