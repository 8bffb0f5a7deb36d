"""Appreciation events in pages: the coordinator and members create, publish, change and cancel
(after a confirmation) their events, see the guest list by status and export it as CSV, and nobody
else's. Pages and the API share the use cases."""

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from services.appreciation.api.gathering_schemas import EventInputSchema, EventPatchSchema
from services.appreciation.domain.gatherings import FIXED_ONCE_PUBLISHED
from services.appreciation.models import Gathering, Invitation
from services.appreciation.usecases import invitations as invitation_usecases
from shared.i18n import LOCAL_TIME
from tests.support.appreciation import appreciation_events, event_body, pass_network, run_own_events
from tests.support.appreciation import page_session as browser
from tests.support.forms import assert_form_offers_schema
from tests.support.placements import csrf

pytestmark = pytest.mark.integration


@pytest.fixture
def pn(stack):
    return pass_network(stack)


def wall_clock(moment: datetime) -> str:
    """A moment as the form shows it: Dutch time, to the minute."""
    return moment.astimezone(LOCAL_TIME).strftime("%Y-%m-%dT%H:%M")


def form_fields(page: str, **changes) -> dict:
    return {
        "csrf_token": csrf(page),
        "title": "Vrijwilligersdag",
        "kind": "volunteer_day",
        "venue": "Zuiderzeemuseum",
        "area": "Enkhuizen",
        "starts_at": "2030-06-01T10:00",
        "ends_at": "2030-06-01T14:00",
        "signup_deadline": "2030-05-28T17:00",
        "capacity": "50",
        "guests_allowed": "2",
        "accessibility": "Rolstoeltoegankelijk",
        "questions": ["Dieetwensen?", ""],
        "audience": "all",
        **changes,
    }


def gatherings(pn) -> list[Gathering]:
    with pn.app.extensions["knoop"].db.reader() as session:
        return list(session.scalars(select(Gathering)))


def test_the_coordinator_creates_an_event_through_the_form(pn):
    client = browser(pn)
    page = client.get("/waardering/evenementen/nieuw").get_data(as_text=True)
    assert_form_offers_schema(page, EventInputSchema(), action=None)
    saved = client.post("/waardering/evenementen/nieuw", data=form_fields(page))
    assert saved.status_code == 303
    [event] = pn.api("get", "/events").get_json()
    assert event["title"] == "Vrijwilligersdag" and event["status"] == "draft"
    assert event["guests_allowed"] == 2 and event["capacity"] == 50
    [stored] = gatherings(pn)
    assert stored.questions == ["Dieetwensen?"] and stored.area == "Enkhuizen"
    assert "Vrijwilligersdag" in client.get("/waardering/evenementen").get_data(as_text=True)


def test_bad_input_is_shown_in_dutch_at_its_field_and_nothing_is_written(pn):
    client = browser(pn)
    page = client.get("/waardering/evenementen/nieuw").get_data(as_text=True)
    bad = client.post(
        "/waardering/evenementen/nieuw",
        data=form_fields(page, capacity="0", venue=""),
    )
    assert bad.status_code == 422
    shown = bad.get_data(as_text=True)
    for name in ("capacity", "venue"):
        assert f'id="f-{name}-error"' in shown
    assert "Vrijwilligersdag" in shown  # what was typed stays
    assert "must" not in shown  # no English
    assert gatherings(pn) == []
    backwards = client.post(
        "/waardering/evenementen/nieuw", data=form_fields(page, ends_at="2030-06-01T09:00")
    )
    assert backwards.status_code == 422
    assert "Het evenement moet eindigen nadat het begint." in backwards.get_data(as_text=True)
    assert 'id="f-ends_at-error"' in backwards.get_data(as_text=True)
    assert gatherings(pn) == []


def test_publishing_from_the_list_queues_the_invitations(pn):
    pn.nominate("Humanitas", "Joop Visser")
    created = pn.api("post", "/events", json=event_body()).get_json()
    client = browser(pn)
    listing = client.get("/waardering/evenementen").get_data(as_text=True)
    published = client.post(
        f"/waardering/evenementen/{created['id']}/publiceren", data={"csrf_token": csrf(listing)}
    )
    assert published.status_code == 303
    run_own_events(pn.app)
    [batch] = appreciation_events(pn.app, "appreciation.invitations_sent.v1")
    assert [i["email"] for i in batch["invitees"]] == ["joop@example.org"]


def published_with_joop(pn, who: str = "coordinator", **fields) -> tuple[dict, str]:
    pn.nominate("Humanitas", "Joop Visser")
    created = pn.api("post", "/events", who=who, json=event_body(**fields)).get_json()
    assert pn.api("post", f"/events/{created['id']}/publish", who=who).status_code == 200
    run_own_events(pn.app)
    db, links = pn.app.extensions["knoop"].db, pn.app.extensions["appreciation_links"]
    with db.reader() as session:
        [invitation] = session.scalars(select(Invitation).where(Invitation.event_id == created["id"]))
    with db.transaction(network_id=invitation.network_id) as session:
        invitation_usecases.sign_up(session, invitation.id, 2, {"Dieetwensen?": "Vegetarisch"}, links)
    return created, invitation.id


def test_changing_the_venue_tells_everyone_coming(pn):
    created, _ = published_with_joop(pn, guests_allowed=2, questions=["Dieetwensen?"])
    client = browser(pn)
    path = f"/waardering/evenementen/{created['id']}/bewerken"
    page = client.get(path).get_data(as_text=True)
    assert "Zuiderzeemuseum" in page
    fields = {k: v for k, v in form_fields(page, venue="Drommedaris").items() if k != "questions"}
    fields["starts_at"] = wall_clock(datetime.fromisoformat(created["starts_at"]))
    fields["ends_at"] = wall_clock(datetime.fromisoformat(created["ends_at"]))
    fields["signup_deadline"] = wall_clock(datetime.fromisoformat(created["signup_deadline"]))
    assert client.post(path, data=fields).status_code == 303
    [changed] = appreciation_events(pn.app, "appreciation.event_changed.v1")
    assert changed["event"]["venue"] == "Drommedaris" and changed["previous_venue"] == "Zuiderzeemuseum"
    assert [p["email"] for p in changed["people"]] == ["joop@example.org"]


def test_cancelling_needs_a_confirmation_and_tells_everyone_invited(pn):
    created, _ = published_with_joop(pn, guests_allowed=2)
    client = browser(pn)
    path = f"/waardering/evenementen/{created['id']}/annuleren"
    asked = client.get(path)
    assert asked.status_code == 200 and "Vrijwilligersdag" in asked.get_data(as_text=True)
    assert [g.status for g in gatherings(pn)] == ["published"]
    assert client.post(path, data={}).status_code == 400
    assert [g.status for g in gatherings(pn)] == ["published"]
    done = client.post(path, data={"csrf_token": csrf(asked.get_data(as_text=True))})
    assert done.status_code == 303
    assert [g.status for g in gatherings(pn)] == ["cancelled"]
    [told] = appreciation_events(pn.app, "appreciation.event_cancelled.v1")
    assert [p["email"] for p in told["people"]] == ["joop@example.org"]


def test_the_guest_list_and_its_csv_show_who_is_coming_with_guests_and_answers(pn):
    created, _ = published_with_joop(pn, guests_allowed=2, questions=["Dieetwensen?"])
    client = browser(pn)
    page = client.get(f"/waardering/evenementen/{created['id']}/gasten").get_data(as_text=True)
    assert "Joop Visser" in page and "Vegetarisch" in page and "Dieetwensen?" in page
    assert "2 gast" in page
    exported = client.get(f"/waardering/evenementen/{created['id']}/gasten.csv")
    assert exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == (
        "Naam;E-mail;Organisatie;Status;Gasten;Nummer op de wachtlijst;Plaats aangeboden tot;"
        "Aanwezig geweest;Dieetwensen?"
    )
    assert lines[1] == "Joop Visser;joop@example.org;Humanitas;komt;2;;;nee;Vegetarisch"
    english = client.get(f"/waardering/evenementen/{created['id']}/gasten.csv?lang=en").get_data(as_text=True)
    assert (
        english.lstrip("\ufeff")
        .splitlines()[1]
        .startswith("Joop Visser;joop@example.org;Humanitas;coming;2;")
    )


def test_the_guest_list_shows_each_status_with_the_figures_as_bars_and_numbers(pn):
    for name in ("Anna de Boer", "Bram Bakker", "Cor Smit", "Dirk Dekker"):
        pn.nominate("Humanitas", name)
    created = pn.api("post", "/events", json=event_body(capacity=3, guests_allowed=1)).get_json()
    assert pn.api("post", f"/events/{created['id']}/publish").status_code == 200
    run_own_events(pn.app)
    db, links = pn.app.extensions["knoop"].db, pn.app.extensions["appreciation_links"]
    with db.reader() as session:
        people = {
            i.holder.name: i.id
            for i in session.scalars(select(Invitation).where(Invitation.event_id == created["id"]))
        }
    with db.transaction() as session:
        invitation_usecases.sign_up(session, people["Anna de Boer"], 1, {}, links)  # 2 places
        invitation_usecases.sign_up(session, people["Bram Bakker"], 1, {}, links)  # waits: 1 left
        invitation_usecases.decline(session, people["Cor Smit"], links)
    with db.transaction() as session:
        invitation_usecases.decline(session, people["Anna de Boer"], links)  # Bram is offered her places
        invitation_usecases.sign_up(session, people["Dirk Dekker"], 0, {}, links)  # the last place
    page = browser(pn).get(f"/waardering/evenementen/{created['id']}/gasten").get_data(as_text=True)
    bars = page[page.index('<ul class="bars figures">') : page.index("</ul>", page.index("bars figures"))]
    item = (
        r'<li><span>([^<]+)</span>\s*<span class="track">'
        r'<span class="bar" aria-hidden="true" style="[^"]*"></span> <span>([^<]+)</span>'
    )
    shown = dict(re.findall(item, bars))
    assert shown == {
        "Uitgenodigd": "4",
        "Komt": "1 (1 inclusief gasten)",
        "Wachtlijst": "0",
        "Plaats aangeboden": "1",
        "Komt niet (afgeslagen of afgemeld)": "2",
        "Aanwezig geweest": "0",
        "Plaatsen vrij": "0 (van 3)",
    }  # the numbers are text beside bars hidden from screen readers
    assert "Plaats aangeboden (1)" in page and "Bram Bakker" in page and "tot " in page
    assert "Afgeslagen (1)" in page and "Afgemeld na aanmelding (1)" in page and "Komt (1)" in page


def test_a_member_sees_and_changes_only_its_own_events(pn):
    created, _ = published_with_joop(pn, who="Humanitas", guests_allowed=2)
    own = browser(pn, "Humanitas")
    assert "Vrijwilligersdag" in own.get("/waardering/evenementen").get_data(as_text=True)
    assert own.get(f"/waardering/evenementen/{created['id']}/gasten").status_code == 200
    other = browser(pn, "Zonnebloem")
    assert "Vrijwilligersdag" not in other.get("/waardering/evenementen").get_data(as_text=True)
    for path in ("gasten", "gasten.csv", "bewerken", "annuleren"):
        assert other.get(f"/waardering/evenementen/{created['id']}/{path}").status_code == 404
    listing = other.get("/waardering/evenementen").get_data(as_text=True)
    refused = other.post(
        f"/waardering/evenementen/{created['id']}/annuleren", data={"csrf_token": csrf(listing)}
    )
    assert refused.status_code == 404
    assert [g.status for g in gatherings(pn)] == ["published"]


def test_the_coordinator_invites_only_the_chosen_members_volunteers(pn):
    pn.nominate("Humanitas", "Joop Visser")
    pn.nominate("Zonnebloem", "Fatima El Amrani", "fatima@example.org")
    client = browser(pn)
    page = client.get("/waardering/evenementen/nieuw").get_data(as_text=True)
    assert "Zonnebloem" in page
    chosen = form_fields(page, audience="organisations", organisations=[pn.net.id("Zonnebloem")])
    assert client.post("/waardering/evenementen/nieuw", data=chosen).status_code == 303
    [event] = pn.api("get", "/events").get_json()
    listing = client.get("/waardering/evenementen").get_data(as_text=True)
    client.post(f"/waardering/evenementen/{event['id']}/publiceren", data={"csrf_token": csrf(listing)})
    run_own_events(pn.app)
    [batch] = appreciation_events(pn.app, "appreciation.invitations_sent.v1")
    assert [i["email"] for i in batch["invitees"]] == ["fatima@example.org"]


def test_a_draft_changes_in_every_field_through_its_form(pn):
    body = event_body(capacity=40, guests_allowed=1, questions=["Dieetwensen?"], area="Enkhuizen")
    created = pn.api("post", "/events", json=body).get_json()
    client = browser(pn)
    path = f"/waardering/evenementen/{created['id']}/bewerken"
    page = client.get(path).get_data(as_text=True)
    assert_form_offers_schema(page, EventPatchSchema(), action=None)
    assert 'value="Dieetwensen?"' in page and "Vastgelegd bij het publiceren" not in page
    fields = form_fields(
        page,
        title="Verwenmiddag",
        kind="pampering",
        area="Hoorn",
        capacity="12",
        guests_allowed="0",
        questions=["Allergieën?", "Vervoer nodig?", ""],
        audience="organisations",
        organisations=[pn.net.id("Zonnebloem")],
    )
    assert client.post(path, data=fields).status_code == 303
    [event] = pn.api("get", "/events").get_json()
    assert {k: event[k] for k in ("title", "kind", "area", "capacity", "guests_allowed", "status")} == {
        "title": "Verwenmiddag",
        "kind": "pampering",
        "area": "Hoorn",
        "capacity": 12,
        "guests_allowed": 0,
        "status": "draft",
    }
    assert event["questions"] == ["Allergieën?", "Vervoer nodig?"]
    assert (event["audience"], event["organisations"]) == ("organisations", [pn.net.id("Zonnebloem")])


def test_a_draft_for_chosen_members_names_one_or_is_refused_at_the_field(pn):
    created = pn.api("post", "/events", json=event_body()).get_json()
    client = browser(pn)
    path = f"/waardering/evenementen/{created['id']}/bewerken"
    page = client.get(path).get_data(as_text=True)
    refused = client.post(path, data=form_fields(page, audience="organisations"))
    assert refused.status_code == 422
    assert 'id="f-organisations-error"' in refused.get_data(as_text=True)
    assert pn.api("patch", f"/events/{created['id']}", json={"audience": "organisations"}).status_code == 422
    [event] = pn.api("get", "/events").get_json()
    assert event["audience"] == "all"


def test_a_published_event_keeps_its_audience_and_questions(pn):
    body = event_body(capacity=40, guests_allowed=1, questions=["Dieetwensen?"], area="Enkhuizen")
    created = pn.api("post", "/events", json=body).get_json()
    assert pn.api("post", f"/events/{created['id']}/publish").status_code == 200
    page = browser(pn).get(f"/waardering/evenementen/{created['id']}/bewerken").get_data(as_text=True)
    assert_form_offers_schema(page, EventPatchSchema(exclude=FIXED_ONCE_PUBLISHED), action=None)
    assert 'name="questions"' not in page and 'name="audience"' not in page
    fixed = page[page.index("Vastgelegd bij het publiceren") : page.index("</section>")]
    assert "Het hele netwerk" in fixed and "Dieetwensen?" in fixed
    path = f"/events/{created['id']}"
    refused = pn.api("patch", path, json={"questions": ["Allergieën?"], "capacity": 50})
    assert refused.status_code == 409 and "questions" in refused.get_json()["errors"]
    assert pn.api("patch", path, json={"questions": ["Dieetwensen?"], "kind": "training"}).status_code == 200
    [event] = pn.api("get", "/events").get_json()
    assert (event["kind"], event["capacity"], event["questions"]) == ("training", 40, ["Dieetwensen?"])


def test_places_added_go_to_the_waiting_list_in_order_and_never_below_those_taken(pn):
    created = one_place_three_in_line(pn)
    client = browser(pn)
    path = f"/waardering/evenementen/{created['id']}/bewerken"
    page = client.get(path).get_data(as_text=True)
    assert "Minstens 1: zoveel plaatsen zijn bezet." in page
    assert client.post(path, data=edit_fields(page, created, capacity="2")).status_code == 303
    [offered] = appreciation_events(pn.app, "appreciation.place_offered.v1")
    assert offered["person"]["name"] == "Anna de Boer"
    assert statuses(pn, created["id"]) == {
        "Cor Smit": "signed_up",
        "Anna de Boer": "offered",
        "Bram Bakker": "waiting",
    }

    page = client.get(path).get_data(as_text=True)
    refused = client.post(path, data=edit_fields(page, created, capacity="1", venue="Drommedaris"))
    assert refused.status_code == 422
    assert "Er zijn al meer plaatsen bezet." in refused.get_data(as_text=True)
    assert pn.api("patch", f"/events/{created['id']}", json={"capacity": 1}).get_json()["errors"] == {
        "capacity": ["More places are taken than that."]
    }
    [event] = pn.api("get", "/events").get_json()
    assert (event["capacity"], event["venue"]) == (2, "Zuiderzeemuseum")  # nothing written
    assert appreciation_events(pn.app, "appreciation.event_changed.v1") == []

    assert pn.api("patch", f"/events/{created['id']}", json={"capacity": 3}).status_code == 200
    assert [e["person"]["name"] for e in appreciation_events(pn.app, "appreciation.place_offered.v1")] == [
        "Anna de Boer",
        "Bram Bakker",
    ]


def one_place_three_in_line(pn) -> dict:
    """A published event with one place: Cor Smit has it, Anna de Boer and Bram Bakker wait."""
    for name in ("Anna de Boer", "Bram Bakker", "Cor Smit"):
        pn.nominate("Humanitas", name)
    created = pn.api("post", "/events", json=event_body(capacity=1)).get_json()
    assert pn.api("post", f"/events/{created['id']}/publish").status_code == 200
    run_own_events(pn.app)
    sign_up(pn, invitations_by_name(pn, created["id"]), "Cor Smit", "Anna de Boer", "Bram Bakker")
    return created


def invitations_by_name(pn, event_id: str) -> dict[str, Invitation]:
    with pn.app.extensions["knoop"].db.reader() as session:
        return {
            i.holder.name: i
            for i in session.scalars(select(Invitation).where(Invitation.event_id == event_id))
        }


def sign_up(pn, people: dict[str, Invitation], *names: str) -> None:
    db, links = pn.app.extensions["knoop"].db, pn.app.extensions["appreciation_links"]
    for name in names:
        with db.transaction(network_id=people[name].network_id) as session:
            invitation_usecases.sign_up(session, people[name].id, 0, {}, links)


def statuses(pn, event_id: str) -> dict[str, str]:
    return {name: i.status for name, i in invitations_by_name(pn, event_id).items()}


def edit_fields(page: str, created: dict, **changes) -> dict:
    """The edit form of a published event as sent unchanged, with `changes`."""
    fields = {k: v for k, v in form_fields(page).items() if k not in FIXED_ONCE_PUBLISHED}
    for name in ("starts_at", "ends_at", "signup_deadline"):
        fields[name] = wall_clock(datetime.fromisoformat(created[name]))
    return {**fields, "capacity": str(created["capacity"]), **changes}


def test_the_guest_list_shows_the_waiting_list_in_its_order(pn):
    created = one_place_three_in_line(pn)
    page = browser(pn).get(f"/waardering/evenementen/{created['id']}/gasten").get_data(as_text=True)
    coming, waiting = page.index("Komt (1)"), page.index("Wachtlijst (2)")
    assert coming < page.index("Cor Smit") < waiting < page.index("Anna de Boer") < page.index("Bram Bakker")
    assert "nummer 1" in page and "nummer 2" in page
