"""Logging in by e-mail link and the portal: members follow their vacancies and responses, the
coordinator moderates; a session never works on the API, and a link works once."""

from urllib.parse import urlparse

import pytest

from tests.support.placements import csrf
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration


@pytest.fixture
def app(stack):
    return stack.app("recruitment")


def log_in(app, net, email: str, client=None):
    client = client or app.test_client()
    page = client.get(f"/n/{net.slug}/inloggen").get_data(as_text=True)
    sent = client.post(f"/n/{net.slug}/inloggen", data={"csrf_token": csrf(page), "email": email})
    assert sent.status_code == 200 and "inloglink onderweg" in sent.get_data(as_text=True)
    requests = [
        e
        for e in events(app, "recruitment.login_link_requested.v1")
        if e["recipient"]["email"] == email.lower()
    ]
    link = urlparse(requests[-1]["links"][0]["url"])
    return client, link.path


def follow_login(client, link: str):
    """Open the login link (a page that asks) and press its button."""
    page = client.get(link)
    assert page.status_code == 200
    return client.post(link, data={"csrf_token": csrf(page.get_data(as_text=True))})


def test_a_member_logs_in_by_link_and_sees_its_vacancies_and_responses(app):
    net = network_with_members(app)
    vacancy = net.publish("Humanitas", title="Maatje gezocht")
    net.client.post(
        f"/api/recruitment/vacancies/{vacancy['id']}/responses",
        json={"name": "Sanne", "email": "sanne@example.org", "consent": True},
    )
    client, link = log_in(app, net, "Humanitas@enkhuizen.example.org")
    assert follow_login(client, link).status_code == 303
    portal = client.get("/portaal").get_data(as_text=True)
    assert "Maatje gezocht" in portal and "sanne@example.org" in portal


def test_a_login_link_works_once(app):
    net = network_with_members(app)
    client, link = log_in(app, net, "humanitas@enkhuizen.example.org")
    assert client.get(link).status_code == 200  # a mail scanner opening the link spends nothing
    assert follow_login(client, link).status_code == 303
    other = app.test_client()
    page = other.get(link).get_data(as_text=True)
    again = other.post(link, data={"csrf_token": csrf(page)})
    assert again.status_code == 410 and "werkt niet meer" in again.get_data(as_text=True)
    assert app.test_client().get("/inloggen/forged").status_code == 410


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app):
    net = network_with_members(app)
    client = app.test_client()
    page = client.get(f"/n/{net.slug}/inloggen").get_data(as_text=True)
    sent = client.post(f"/n/{net.slug}/inloggen", data={"csrf_token": csrf(page), "email": "x@example.org"})
    assert sent.status_code == 200 and "inloglink onderweg" in sent.get_data(as_text=True)
    assert events(app, "recruitment.login_link_requested.v1") == []


def test_portal_buttons_run_the_workflow_and_respect_who_may_do_what(app):
    net = network_with_members(app, moderated=True)
    draft = net.draft("Humanitas", title="Nog indienen")
    net.step("Humanitas", draft["id"], "co-publishers", {"organisation_id": net.id("Zonnebloem")})
    zonnebloem, link = log_in(app, net, "zonnebloem@enkhuizen.example.org")
    follow_login(zonnebloem, link)
    token = csrf(zonnebloem.get("/portaal").get_data(as_text=True))
    # Zonnebloem may accept the invitation, but may not submit Humanitas' draft.
    zonnebloem.post(f"/portaal/vacatures/{draft['id']}/stap/accepteren", data={"csrf_token": token})
    refused = zonnebloem.post(
        f"/portaal/vacatures/{draft['id']}/stap/indienen", data={"csrf_token": token}, follow_redirects=True
    )
    assert 'class="flash error"' in refused.get_data(as_text=True)
    humanitas, link = log_in(app, net, "humanitas@enkhuizen.example.org")
    follow_login(humanitas, link)
    token = csrf(humanitas.get("/portaal").get_data(as_text=True))
    assert (
        humanitas.post(f"/portaal/vacatures/{draft['id']}/stap/indienen", data={}).status_code == 303
    )  # no CSRF
    assert (
        net.client.get("/api/recruitment/vacancies/mine", headers=net.token("Humanitas")).get_json()[0][
            "status"
        ]
        == "draft"
    )
    done = humanitas.post(
        f"/portaal/vacatures/{draft['id']}/stap/indienen", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Vacature ingediend ter goedkeuring" in done.get_data(as_text=True)

    coordinator, link = log_in(app, net, "coordinator@example.org")
    follow_login(coordinator, link)
    assert "1 vacature wacht op je goedkeuring." in coordinator.get("/portaal").get_data(as_text=True)
    page = coordinator.get("/portaal/moderatie").get_data(as_text=True)
    assert "Nog indienen" in page and "Vacatures beoordelen" in page
    coordinator.post(f"/portaal/moderatie/{draft['id']}/goedkeuren", data={"csrf_token": csrf(page)})
    assert net.client.get(f"/vacatures/{draft['id']}").status_code == 200
    assert [e["organisation_names"] for e in events(app, "recruitment.vacancy_published.v1")] == [
        ["Humanitas", "Zonnebloem"]
    ]


def test_a_session_cookie_is_never_accepted_by_the_api(app):
    net = network_with_members(app)
    client, link = log_in(app, net, "humanitas@enkhuizen.example.org")
    follow_login(client, link)
    assert client.post("/api/recruitment/vacancies", json={"title": "Via cookie"}).status_code == 401


def test_the_portal_sends_a_person_without_a_session_to_the_login_and_back(app):
    answer = app.test_client().get("/portaal")
    assert answer.status_code == 303 and answer.location == "/inloggen?next=%2Fportaal"


def test_a_lookalike_address_never_receives_a_members_login_link(app):
    net = network_with_members(app)
    client = app.test_client()
    for typed in ("h_manitas@enkhuizen.example.org", "%@enkhuizen.example.org"):
        page = client.get(f"/n/{net.slug}/inloggen").get_data(as_text=True)
        client.post(f"/n/{net.slug}/inloggen", data={"csrf_token": csrf(page), "email": typed})
    assert events(app, "recruitment.login_link_requested.v1") == []


def test_a_removed_members_session_ends_at_once(app):
    from tests.support.flows import bearer

    net = network_with_members(app)
    client, link = log_in(app, net, "present@enkhuizen.example.org")
    follow_login(client, link)
    assert client.get("/portaal").status_code == 200
    net.client.delete(f"/api/recruitment/organisations/{net.id('Present')}", headers=bearer(net.coordinator))
    assert client.get("/portaal").location == "/inloggen?next=%2Fportaal"
