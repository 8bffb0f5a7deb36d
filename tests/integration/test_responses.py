"""Responses (warm referral): consent, every co-publisher told, status follow-up, reminders, matches."""

import http.client
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from deploy.local.harness import free_port
from services.recruitment.models import Response
from services.recruitment.usecases import responses
from tests.support.flows import bearer
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration

SANNE = {
    "name": "Sanne Jansen",
    "email": "sanne@example.org",
    "phone": "06 12345678",
    "motivation": "Ik wil iets betekenen.",
    "availability": "dinsdagmiddag",
    "consent": True,
}


@pytest.fixture
def net(stack):
    return network_with_members(stack.app("recruitment"))


def respond(net, vacancy_id, **overrides):
    return net.client.post(f"/api/recruitment/vacancies/{vacancy_id}/responses", json={**SANNE, **overrides})


def test_a_response_reaches_the_volunteer_and_every_co_publisher(net, stack):
    vacancy = net.publish("Humanitas", co_publishers=("Zonnebloem",))
    assert respond(net, vacancy["id"]).status_code == 201
    [event] = events(stack.app("recruitment"), "recruitment.response_received.v1")
    assert event["volunteer"]["email"] == "sanne@example.org"
    assert [p["email"] for p in event["publishers"]] == [
        "humanitas@enkhuizen.example.org",
        "zonnebloem@enkhuizen.example.org",
    ]


def test_without_consent_nothing_is_stored(net, stack):
    vacancy = net.publish("Humanitas")
    response = respond(net, vacancy["id"], consent=False)
    assert response.status_code == 422 and "consent" in response.get_json()["errors"]
    assert events(stack.app("recruitment"), "recruitment.response_received.v1") == []


def test_responding_to_a_vacancy_that_is_no_longer_published_gets_a_clear_message(net):
    vacancy = net.publish("Humanitas")
    net.step("Humanitas", vacancy["id"], "close", {"reason": "filled"})
    response = respond(net, vacancy["id"])
    assert response.status_code == 409 and "no longer open" in response.get_json()["message"]
    page = net.client.get(f"/vacatures/{vacancy['id']}").get_data(as_text=True)
    assert "Op deze vacature kun je niet meer reageren." in page


def test_co_publishers_see_and_follow_up_responses_and_others_do_not(net):
    vacancy = net.publish("Humanitas", co_publishers=("Zonnebloem",))
    response_id = respond(net, vacancy["id"]).get_json()["id"]
    for member in ("Humanitas", "Zonnebloem"):
        listed = net.client.get("/api/recruitment/responses", headers=net.token(member)).get_json()
        assert [r["id"] for r in listed] == [response_id]
    assert net.client.get("/api/recruitment/responses", headers=net.token("Present")).get_json() == []
    url = f"/api/recruitment/responses/{response_id}"
    assert (
        net.client.patch(url, headers=net.token("Present"), json={"status": "contacted"}).status_code == 403
    )
    assert net.client.patch(url, json={"status": "contacted"}).status_code == 401
    assert (
        net.client.patch(url, headers=net.token("Zonnebloem"), json={"status": "contacted"}).get_json()[
            "status"
        ]
        == "contacted"
    )
    assert net.client.patch(url, headers=net.token("Humanitas"), json={"status": "new"}).status_code == 422
    times = net.client.get("/api/recruitment/figures/response-times", headers=bearer(net.coordinator))
    humanitas = next(r for r in times.get_json() if r["organisation"] == "Humanitas")
    assert humanitas["responses"] == 1 and humanitas["acted_on"] == 1


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_the_response_form_re_renders_with_messages_and_saves_nothing(net, stack):
    vacancy = net.publish("Humanitas")
    page = net.client.get(f"/vacatures/{vacancy['id']}").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "name": "", "email": "geen-adres"}
    response = net.client.post(f"/vacatures/{vacancy['id']}/reageren", data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Controleer de gemarkeerde velden" in body
    assert 'aria-invalid="true"' in body and 'value="geen-adres"' in body
    assert events(stack.app("recruitment"), "recruitment.response_received.v1") == []
    ok = net.client.post(
        f"/vacatures/{vacancy['id']}/reageren",
        data={**form, "name": "Sanne", "email": "sanne@example.org", "consent": "y"},
    )
    assert (
        ok.status_code == 303
        and len(events(stack.app("recruitment"), "recruitment.response_received.v1")) == 1
    )


def test_the_response_form_refuses_a_post_without_its_csrf_token(net, stack):
    vacancy = net.publish("Humanitas")
    response = net.client.post(
        f"/vacatures/{vacancy['id']}/reageren",
        data={"name": "Sanne", "email": "sanne@example.org", "consent": "y"},
    )
    assert response.status_code == 422
    assert events(stack.app("recruitment"), "recruitment.response_received.v1") == []


def test_unanswered_responses_get_one_reminder_and_a_match_question_after_two_weeks(net, stack):
    app = stack.app("recruitment")
    vacancy = net.publish("Humanitas")
    respond(net, vacancy["id"])
    db, links = app.extensions["knoop"].db, app.extensions["recruitment_links"]
    later = datetime.now(UTC) + timedelta(days=4)
    for _ in range(2):  # the beat may run twice: still one reminder
        with db.transaction() as session:
            responses.send_reminders(session, later, timedelta(days=3))
    [reminder] = events(app, "recruitment.response_reminder_due.v1")
    assert reminder["volunteer_name"] == "Sanne Jansen" and reminder["days"] == 3

    with db.transaction() as session:
        responses.ask_match_questions(session, later + timedelta(days=11), timedelta(days=14), links)
    [question] = events(app, "recruitment.match_question_due.v1")
    link = urlparse(question["volunteer_yes_url"]).path
    page = net.client.get(link).get_data(as_text=True)  # a mail scanner opening it records nothing
    assert "Je antwoord:" in page and "<strong>Ja</strong>" in page
    answer = net.client.post(link, data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 200 and "Geweldig!" in answer.get_data(as_text=True)
    times = net.client.get(
        "/api/recruitment/figures/response-times", headers=bearer(net.coordinator)
    ).get_json()
    assert next(r for r in times if r["organisation"] == "Humanitas")["matches"] == 1


def test_too_many_responses_from_one_address_get_429(databases, redis_url, mail_sink):
    from services.recruitment import create_app
    from tests.support.recruitment import network_with_members

    app = create_app(
        {
            "profile": "test",
            "database_url": databases["recruitment"],
            "redis_url": redis_url,
            "broker_url": redis_url,
            "public_post_limit": "3 per minute",
        }
    )
    net = network_with_members(app)
    vacancy = net.publish("Humanitas")
    codes = [respond(net, vacancy["id"], email=f"sanne{i}@example.org").status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]
    refused = respond(net, vacancy["id"], email="sanne9@example.org")
    assert refused.get_json()["code"] == 429
    app.extensions["knoop"].db.dispose()


def stored_responses(app, vacancy_id: str) -> int:
    with app.extensions["knoop"].db.reader() as session:
        return session.scalar(
            select(func.count()).select_from(Response).where(Response.vacancy_id == vacancy_id)
        )


def test_a_second_response_of_one_address_is_answered_kindly_and_refers_no_one_twice(net, stack):
    app = stack.app("recruitment")
    vacancy = net.publish("Humanitas")
    assert respond(net, vacancy["id"]).status_code == 201
    again = respond(net, vacancy["id"], email="Sanne@Example.ORG", motivation="Nog eens.")
    assert again.status_code == 409 and "already responded" in again.get_json()["message"]
    page = net.client.get(f"/vacatures/{vacancy['id']}").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "name": "Sanne", "email": "SANNE@example.org", "consent": "y"}
    answer = net.client.post(f"/vacatures/{vacancy['id']}/reageren", data=form)
    assert answer.status_code == 200 and "Je had al gereageerd op deze vacature" in answer.get_data(
        as_text=True
    )
    assert stored_responses(app, vacancy["id"]) == 1
    assert len(events(app, "recruitment.response_received.v1")) == 1
    other = net.publish("Humanitas", title="Chauffeur voor dagjes uit")
    assert respond(net, other["id"]).status_code == 201  # once per vacancy, not once in all


def test_twenty_simultaneous_identical_responses_store_one_and_confirm_once(net, stack):
    app = stack.app("recruitment")
    vacancy = net.publish("Humanitas")
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    barrier = threading.Barrier(20)

    def send(_) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=60)
        barrier.wait()
        path = f"/api/recruitment/vacancies/{vacancy['id']}/responses"
        conn.request("POST", path, body=json.dumps(SANNE), headers={"Content-Type": "application/json"})
        status = conn.getresponse().status
        conn.close()
        return status

    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = sorted(pool.map(send, range(20)))
    finally:
        server.shutdown()
    assert statuses == [201] + [409] * 19
    assert stored_responses(app, vacancy["id"]) == 1
    assert len(events(app, "recruitment.response_received.v1")) == 1
