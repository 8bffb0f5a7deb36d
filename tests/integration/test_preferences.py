"""Preferences: one click stops a kind of non-essential message for good; essential messages
(login links) still arrive."""

import time
import uuid
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from deploy.local.harness import wait_until
from services.notifications.models import Delivery
from services.notifications.samples import SAMPLES
from shared import contracts

pytestmark = pytest.mark.integration


def send(stack, event_type: str, **overrides):
    data = contracts.build(event_type, {**SAMPLES[event_type], **overrides})
    message = contracts.envelope(str(uuid.uuid4()), event_type, "recruitment", "n1", data)
    stack.app("recruitment").extensions["celery"].send_task(
        "notifications.handle_event", args=[message], queue="notifications"
    )


def mails_to(stack, address: str) -> list[dict]:
    return [m for m in stack.sink.summaries() if m["to"] == [address]]


def test_an_unsubscribed_person_gets_no_more_follow_up_questions_but_still_a_login_link(stack):
    stack.start_worker("notifications")
    sanne = SAMPLES["recruitment.match_question_due.v1"]["volunteer"]["email"]
    send(stack, "recruitment.match_question_due.v1")
    [question] = wait_until(lambda: mails_to(stack, sanne), 30, message="the first question")
    raw = next(m for m in stack.sink.mails if m.recipients == [sanne]).message
    one_click = raw["List-Unsubscribe"].strip("<>")
    assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert one_click in question["text"]

    client = stack.app("notifications").test_client()
    path = urlparse(one_click).path
    assert "Wil je geen vervolgvragen meer ontvangen?" in client.get(path).get_data(as_text=True)
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})  # what a mail client sends
    assert done.status_code == 200 and "Je ontvangt geen vervolgvragen meer" in done.get_data(as_text=True)

    send(stack, "recruitment.match_question_due.v1", response_id=str(uuid.uuid4()))
    send(
        stack,
        "recruitment.login_link_requested.v1",
        recipient={"name": "Sanne Jansen", "email": sanne, "language": "nl"},
    )
    wait_until(
        lambda: any("inloglink" in m["subject"] for m in mails_to(stack, sanne)), 30, message="the login link"
    )
    time.sleep(1)
    assert len([m for m in mails_to(stack, sanne) if "match" in m["subject"]]) == 1
    with stack.kit("notifications").db.reader() as session:
        statuses = sorted(
            session.scalars(
                select(Delivery.status).where(
                    Delivery.recipient == sanne, Delivery.template == "match_question"
                )
            )
        )
    assert statuses == ["sent", "suppressed"]
    # The organisation asked the same question was not affected.
    anne = SAMPLES["recruitment.match_question_due.v1"]["organisation"]["email"]
    assert len(mails_to(stack, anne)) == 2


def test_a_forged_unsubscribe_link_changes_nothing(stack):
    client = stack.app("notifications").test_client()
    assert client.post("/berichten/afmelden/forged").status_code == 404


def coordinator_client(stack, network_id: str = "n1"):
    """A notifications client carrying the coordinator's session cookie from a login at
    recruitment: the one signed session works behind every prefix."""
    from shared.identity import Principal
    from shared.web.auth import log_in

    recruitment = stack.app("recruitment")
    with recruitment.test_request_context("/portaal"):
        from flask import session

        log_in(Principal(role="coordinator", network_id=network_id))
        cookie = recruitment.session_interface.get_signing_serializer(recruitment).dumps(dict(session))
    client = stack.app("notifications").test_client()
    client.set_cookie("knoop_session", cookie)
    return client


def test_the_coordinator_searches_the_log_and_sends_a_rejected_message_again(stack):
    stack.sink.reject.add("anne@example.org")
    stack.start_worker("notifications")
    send(stack, "recruitment.vacancy_rejected.v1")
    wait_until(lambda: any(d.status == "failed" for d in deliveries_of(stack)), 30, message="the failure")
    client = coordinator_client(stack)
    page = client.get("/berichten/log?q=anne@example.org").get_data(as_text=True)
    assert "vacancy_rejected" in page and "550" in page and "Opnieuw versturen" in page
    other = coordinator_client(stack, "other-network").get("/berichten/log?q=anne@example.org")
    assert "Geen berichten gevonden." in other.get_data(as_text=True)

    stack.sink.reject.clear()
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    [failed] = [d for d in deliveries_of(stack) if d.status == "failed"]
    assert client.post(f"/berichten/log/{failed.id}/opnieuw", data={"csrf_token": token}).status_code == 303
    wait_until(lambda: mails_to(stack, "anne@example.org"), 30, message="the message sent again")
    stranger = stack.app("notifications").test_client().get("/berichten/log")
    assert stranger.status_code == 303 and stranger.location == "/inloggen?next=%2Fberichten%2Flog"


def test_the_coordinator_previews_every_message_in_both_languages(stack):
    client = coordinator_client(stack)
    index = client.get("/berichten/voorbeeld").get_data(as_text=True)
    assert "response_received" in index and "login_link" in index
    page = client.get("/berichten/voorbeeld/response_received").get_data(as_text=True)
    assert "Nieuwe reactie" in page and "New response" in page
    assert client.get("/berichten/voorbeeld/nothing").status_code == 404


def deliveries_of(stack) -> list[Delivery]:
    with stack.kit("notifications").db.reader() as session:
        return list(session.scalars(select(Delivery)))


def test_a_person_chooses_their_language_and_which_kinds_they_want(stack):
    from urllib.parse import urlparse as parse

    sanne = "sanne@example.org"
    link = stack.app("notifications").extensions["notifications_unsubscribe"].sign([sanne, "alerts"])
    client = stack.app("notifications").test_client()
    path = parse(f"http://x/berichten/afmelden/{link}").path
    saved = client.post(path, data={"save": "1", "language": "nl", "kinds": ["alerts", "invitations"]})
    assert "Je voorkeuren zijn opgeslagen." in saved.get_data(as_text=True)
    stack.start_worker("notifications")
    send(stack, "recruitment.match_question_due.v1")  # surveys: now refused
    send(stack, "recruitment.alert_due.v1")  # alerts: wanted; the sample asks English, she chose Dutch
    [alert] = wait_until(lambda: mails_to(stack, sanne), 30, message="the alert")
    time.sleep(1)
    assert len(mails_to(stack, sanne)) == 1 and alert["language"] == "nl"
    assert alert["subject"].startswith("Nieuwe vacature")


def test_the_coordinator_sees_and_replays_an_event_that_failed_for_good(stack):
    import re

    stack.start_worker("notifications")
    broken = contracts.envelope(
        str(uuid.uuid4()), "recruitment.vacancy_rejected.v1", "recruitment", "n1", {"vacancy_id": "v1"}
    )
    stack.app("recruitment").extensions["celery"].send_task(
        "notifications.handle_event", args=[broken], queue="notifications"
    )
    client = coordinator_client(stack)

    def log_page():
        page = client.get("/berichten/log").get_data(as_text=True)
        return page if "ContractViolation" in page else None

    page = wait_until(log_page, 30, message="the dead letter on the page")
    assert broken["id"] in page
    letter_id = re.search(r"/berichten/log/dode-brieven/(\d+)/opnieuw", page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    # Another network's coordinator, with a valid token of their own: the letter is not theirs.
    other = coordinator_client(stack, "other-network")
    other_page = other.get("/berichten/log").get_data(as_text=True)
    other_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', other_page).group(1)
    refused = other.post(f"/berichten/log/dode-brieven/{letter_id}/opnieuw", data={"csrf_token": other_token})
    assert refused.status_code == 404
    assert (
        client.post(
            f"/berichten/log/dode-brieven/{letter_id}/opnieuw", data={"csrf_token": token}
        ).status_code
        == 303
    )
