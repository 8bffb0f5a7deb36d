"""Joint appreciation events: invitations in batches (each exactly once), sign-up within capacity,
a waiting list in a consistent order, freed places offered in that order until their deadline."""

import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from deploy.local.harness import wait_until
from services.appreciation.domain import gatherings as gathering_rules
from services.appreciation.domain.errors import InvalidTransition
from services.appreciation.models import Invitation
from services.appreciation.models import OutboxMessage as AppreciationOutbox
from services.appreciation.usecases import follow_ups
from services.appreciation.usecases import invitations as invitation_usecases
from shared.messaging.commands import is_command
from tests.support.appreciation import appreciation_events as events_of
from tests.support.appreciation import event_body, pass_network, publish, run_own_events
from tests.support.placements import csrf

pytestmark = pytest.mark.integration


@pytest.fixture
def pn(stack):
    return pass_network(stack)


def invitations(pn, event_id: str) -> list[Invitation]:
    with pn.app.extensions["knoop"].db.reader() as session:
        return list(session.scalars(select(Invitation).where(Invitation.event_id == event_id)))


def test_invitations_go_out_in_batches_each_person_once(pn, monkeypatch):
    monkeypatch.setattr(gathering_rules, "BATCH", 3)
    for n in range(7):
        pn.nominate("Humanitas" if n % 2 else "Zonnebloem", f"Vrijwilliger {n}", f"v{n}@example.org")
    event = publish(pn)
    batches = events_of(pn.app, "appreciation.invitations_sent.v1")
    assert [len(b["invitees"]) for b in batches] == [3, 3, 1]
    everyone = [i["email"] for b in batches for i in b["invitees"]]
    assert sorted(everyone) == sorted(f"v{n}@example.org" for n in range(7))
    run_own_events(pn.app)  # a redelivered batch changes nothing
    assert len(invitations(pn, event["id"])) == 7
    assert pn.api("post", f"/events/{event['id']}/publish").status_code == 409


def test_the_relay_hands_the_continue_task_to_appreciations_own_worker(pn, stack):
    for n in range(3):
        pn.nominate("Humanitas", f"Vrijwilliger {n}", f"v{n}@example.org")
    created = pn.api("post", "/events", json=event_body())
    assert pn.api("post", f"/events/{created.get_json()['id']}/publish").status_code == 200
    stack.start_worker("appreciation")
    stack.start_relay("appreciation")
    wait_until(lambda: len(invitations(pn, created.get_json()["id"])) == 3, 60, message="3 invitations")


def test_a_request_for_the_next_invitations_queued_by_the_release_before_still_goes_out(pn, stack):
    # Before it was a command, the next batch was asked for with the event
    # appreciation.invitations_continue.v1, sent to appreciation.handle_event: one still in Redis when
    # this release's worker takes over is run as the command (once: its id goes to the inbox).
    for n in range(3):
        pn.nominate("Humanitas", f"Vrijwilliger {n}", f"v{n}@example.org")
    created = pn.api("post", "/events", json=event_body())
    assert pn.api("post", f"/events/{created.get_json()['id']}/publish").status_code == 200
    kit = pn.app.extensions["knoop"]
    with kit.db.reader() as session:
        [asked] = [m for m in session.scalars(select(AppreciationOutbox.message)) if is_command(m)]
    legacy = {
        "id": asked["id"],
        "type": "appreciation.invitations_continue.v1",
        "source": "appreciation",
        "time": asked["time"],
        "network_id": asked["network_id"],
        "data": asked["data"],
    }
    kit.celery.send_task("appreciation.handle_event", args=[legacy], queue="appreciation")
    stack.start_worker("appreciation")
    wait_until(lambda: len(invitations(pn, created.get_json()["id"])) == 3, 60, message="3 invitations")


def test_a_members_event_invites_only_its_own_volunteers(pn):
    pn.nominate("Humanitas", "Joop Visser")
    pn.nominate("Zonnebloem", "Fatima El Amrani")
    publish(pn, who="Humanitas")
    [batch] = events_of(pn.app, "appreciation.invitations_sent.v1")
    assert [i["email"] for i in batch["invitees"]] == ["joop@example.org"]


def test_fifty_simultaneous_sign_ups_for_the_last_ten_places(pn, stack):
    for n in range(50):
        pn.nominate("Humanitas", f"Vrijwilliger {n}", f"v{n}@example.org")
    event = publish(pn, capacity=10)
    ids = [i.id for i in invitations(pn, event["id"])]
    db, links = pn.app.extensions["knoop"].db, pn.app.extensions["appreciation_links"]
    barrier = threading.Barrier(len(ids))

    def sign_up(invitation_id: str) -> None:
        barrier.wait()
        for _ in range(20):  # SQLite answers "database is locked" to some writers under this load
            try:
                with db.transaction() as session:
                    invitation_usecases.sign_up(session, invitation_id, 0, {}, links)
                return
            except Exception as exc:
                if "locked" not in str(exc):
                    raise

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = invitations(pn, event["id"])
    assert sorted(r.status for r in rows).count("signed_up") == 10
    waiting = sorted((r for r in rows if r.status == "waiting"), key=lambda r: r.waiting_position)
    assert len(waiting) == 40 and [r.waiting_position for r in waiting] == list(range(1, 41))

    # A freed place goes to number 1; an offer not taken in time passes to number 2.
    signed = next(r for r in rows if r.status == "signed_up")
    with db.transaction() as session:
        invitation_usecases.decline(session, signed.id, links)
    by_id = {r.id: r for r in invitations(pn, event["id"])}
    assert by_id[waiting[0].id].status == "offered" and by_id[waiting[1].id].status == "waiting"
    with db.transaction() as session:
        invitation_usecases.lapse_offers(session, links, datetime.now(UTC) + timedelta(days=3))
    by_id = {r.id: r for r in invitations(pn, event["id"])}
    assert by_id[waiting[0].id].status == "lapsed" and by_id[waiting[1].id].status == "offered"
    offers = events_of(pn.app, "appreciation.place_offered.v1")
    assert [o["invitation_id"] for o in offers] == [waiting[0].id, waiting[1].id]


def test_the_invitation_page_signs_up_with_guests_and_cancels(pn):
    pn.nominate("Humanitas", "Joop Visser")
    pn.nominate("Humanitas", "Fatima El Amrani")
    publish(pn, capacity=2, guests_allowed=1, questions=["Dieetwensen?"])
    [batch] = events_of(pn.app, "appreciation.invitations_sent.v1")
    urls = {i["email"]: urlparse(i["signup_url"]).path for i in batch["invitees"]}
    joop, fatima = pn.app.test_client(), pn.app.test_client()
    page = joop.get(urls["joop@example.org"]).get_data(as_text=True)
    assert "Kom je ook?" in page and "Dieetwensen?" in page
    done = joop.post(
        urls["joop@example.org"],
        data={
            "csrf_token": csrf(page),
            "step": "signup",
            "guests": "1",
            "answer-Dieetwensen?": "vegetarisch",
        },
    )
    assert "Je bent aangemeld (2 plekken)" in done.get_data(as_text=True)
    page = fatima.get(urls["fatima@example.org"]).get_data(as_text=True)
    full = fatima.post(urls["fatima@example.org"], data={"csrf_token": csrf(page), "step": "signup"})
    assert "wachtlijst, nummer 1" in full.get_data(as_text=True)
    page = joop.get(urls["joop@example.org"]).get_data(as_text=True)
    joop.post(urls["joop@example.org"], data={"csrf_token": csrf(page), "step": "decline"})
    offered = fatima.get(urls["fatima@example.org"]).get_data(as_text=True)
    assert "Er is een plek voor je vrijgekomen" in offered
    taken = fatima.post(urls["fatima@example.org"], data={"csrf_token": csrf(offered), "step": "accept"})
    assert "Je bent aangemeld (1 plek)" in taken.get_data(as_text=True)
    answered = [e["status"] for e in events_of(pn.app, "appreciation.signup_answered.v1")]
    assert answered == ["signed_up", "waiting", "signed_up"]


def test_event_input_is_checked_field_by_field(pn):
    bad = pn.api("post", "/events", json=event_body(capacity=0, ends_at="2020-01-01T00:00:00+00:00"))
    assert bad.status_code == 422 and {"capacity"} <= set(bad.get_json()["errors"])
    late = event_body()
    late["signup_deadline"] = (datetime.fromisoformat(late["starts_at"]) + timedelta(days=1)).isoformat()
    answer = pn.api("post", "/events", json=late)
    assert answer.status_code == 422 and "signup_deadline" in answer.get_json()["errors"]
    member_event = pn.api("post", "/events", who="Humanitas", json=event_body())
    assert member_event.status_code == 201 and member_event.get_json()["organiser_id"] == pn.net.id(
        "Humanitas"
    )


def sign_up_everyone(pn, event_id):
    db, links = pn.app.extensions["knoop"].db, pn.app.extensions["appreciation_links"]
    for invitation in invitations(pn, event_id):
        with db.transaction() as session:
            invitation_usecases.sign_up(session, invitation.id, 0, {}, links)


def test_the_reminder_beat_run_twice_sends_each_reminder_once(pn):
    for n in range(3):
        pn.nominate("Humanitas", f"Vrijwilliger {n}", f"v{n}@example.org")
    start = datetime.now(UTC) + timedelta(days=1)
    event = publish(
        pn,
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(hours=3)).isoformat(),
        signup_deadline=(start - timedelta(hours=12)).isoformat(),
    )
    sign_up_everyone(pn, event["id"])
    db, links = pn.app.extensions["knoop"].db, pn.app.extensions["appreciation_links"]
    for _ in range(2):  # the scheduler restarted, or ran twice
        with db.transaction() as session:
            follow_ups.send_reminders(session, links, days=2)
    [reminders] = events_of(pn.app, "appreciation.event_reminder_due.v1")
    assert sorted(p["email"] for p in reminders["people"]) == [
        "v0@example.org",
        "v1@example.org",
        "v2@example.org",
    ]

    # A new time is told to everyone coming, and earns a new reminder.
    later = start + timedelta(hours=2)
    moved = pn.api(
        "patch",
        f"/events/{event['id']}",
        json={"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=3)).isoformat()},
    )
    assert moved.status_code == 200
    [changed] = events_of(pn.app, "appreciation.event_changed.v1")
    assert len(changed["people"]) == 3 and changed["previous_venue"] == "Zuiderzeemuseum"
    with db.transaction() as session:
        follow_ups.send_reminders(session, links, days=2)
    assert len(events_of(pn.app, "appreciation.event_reminder_due.v1")) == 2


def test_a_cancelled_event_tells_everyone_invited(pn):
    pn.nominate("Humanitas", "Joop Visser")
    pn.nominate("Humanitas", "Fatima El Amrani")
    event = publish(pn)
    sign_up_everyone(pn, event["id"])
    assert pn.api("post", f"/events/{event['id']}/cancel").status_code == 200
    assert pn.api("post", f"/events/{event['id']}/cancel").status_code == 409
    [cancelled] = events_of(pn.app, "appreciation.event_cancelled.v1")
    assert len(cancelled["people"]) == 2


def test_at_the_door_and_after_attendance_and_the_average_mark(pn, stack):
    for n in range(3):
        pn.nominate("Humanitas", f"Vrijwilliger {n}", f"v{n}@example.org")
    event = publish(pn)
    sign_up_everyone(pn, event["id"])
    rows = sorted(invitations(pn, event["id"]), key=lambda r: r.holder.name)
    organiser = pn.app.test_client()
    network_id = pn.net.client.application.extensions["recruitment_networks"].by_slug("enkhuizen").id
    with organiser.session_transaction() as browser:
        browser["principal"] = {
            "role": "coordinator",
            "network_id": network_id,
            "since": __import__("time").time(),
        }
    door = organiser.get(f"/waardering/evenementen/{event['id']}/deur").get_data(as_text=True)
    assert "0 van de 3 gekomen" in door
    for row in rows[:2]:
        organiser.post(
            f"/waardering/evenementen/{event['id']}/inchecken/{row.id}", data={"csrf_token": csrf(door)}
        )
    assert "2 van de 3 gekomen" in organiser.get(
        f"/waardering/evenementen/{event['id']}/deur?q=vrij"
    ).get_data(as_text=True)
    stranger = pn.app.test_client().get(f"/waardering/evenementen/{event['id']}/deur")
    assert stranger.status_code == 303 and stranger.location.startswith("/inloggen?next=%2Fwaardering")

    db, links = pn.app.extensions["knoop"].db, pn.app.extensions["appreciation_links"]
    with db.transaction() as session:
        follow_ups.ask_feedback(session, links, datetime.now(UTC) + timedelta(days=11))
    [asked] = events_of(pn.app, "appreciation.feedback_requested.v1")
    assert len(asked["people"]) == 2  # only those who came
    for person, mark in zip(asked["people"], ("8", "9"), strict=True):
        client = pn.app.test_client()
        path = urlparse(person["url"]).path
        page = client.get(path).get_data(as_text=True)
        bad = client.post(path, data={"csrf_token": csrf(page), "mark": "11"})
        assert bad.status_code == 422 and "Geef een cijfer van 1 tot 10" in bad.get_data(as_text=True)
        client.post(path, data={"csrf_token": csrf(page), "mark": mark, "comment": "Gezellig!"})
    figures = pn.api("get", f"/events/{event['id']}/figures").get_json()
    assert figures == {
        "invited": 3,
        "signed_up": 3,
        "coming_with_guests": 3,
        "waiting": 0,
        "offered": 0,
        "declined": 0,
        "attended": 2,
        "places_left": 97,
        "average_mark": 8.5,
    }


def test_each_person_has_a_private_calendar_feed_of_their_events(pn):
    pn.nominate("Humanitas", "Joop Visser")
    event = publish(pn)
    [invitation] = invitations(pn, event["id"])
    feed_url = pn.app.extensions["appreciation_links"].calendar_feed(invitation.holder_id, 1)
    empty = pn.client.get(urlparse(feed_url).path)
    assert empty.status_code == 200 and "BEGIN:VEVENT" not in empty.get_data(as_text=True)
    sign_up_everyone(pn, event["id"])
    feed = pn.client.get(urlparse(feed_url).path)
    assert feed.mimetype == "text/calendar" and "SUMMARY:Vrijwilligersdag" in feed.get_data(as_text=True)
    assert pn.client.get("/waardering/agenda/forged.ics").status_code == 404


def test_odd_answers_are_refused_without_touching_the_seats(pn):
    pn.nominate("Humanitas", "Joop Visser")
    event = publish(pn, capacity=2, guests_allowed=1)
    [invitation] = invitations(pn, event["id"])
    db, links = pn.app.extensions["knoop"].db, pn.app.extensions["appreciation_links"]
    for guests in (-3, 2):
        with pytest.raises(InvalidTransition), db.transaction() as session:
            invitation_usecases.sign_up(session, invitation.id, guests, {}, links)
    [batch] = events_of(pn.app, "appreciation.invitations_sent.v1")
    path = urlparse(batch["invitees"][0]["signup_url"]).path
    client = pn.app.test_client()
    page = client.get(path).get_data(as_text=True)
    assert (
        client.post(path, data={"csrf_token": csrf(page), "step": "signup", "guests": "veel"}).status_code
        == 422
    )
    assert pn.api("get", f"/events/{event['id']}").status_code in (404, 405)  # no such read endpoint
    assert [e["taken"] for e in pn.api("get", "/events").get_json() if e["id"] == event["id"]] == [0]
    # A cancelled event offers no places and takes none.
    pn.api("post", f"/events/{event['id']}/cancel")
    answer = client.post(path, data={"csrf_token": csrf(page), "step": "signup"})
    assert answer.status_code == 409
    assert not events_of(pn.app, "appreciation.place_offered.v1")
