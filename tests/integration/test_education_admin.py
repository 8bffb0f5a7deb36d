"""The education partner's back office and the member's placement offers, on both databases:
imported students get a personal link and join the allocation once they answer it, the partner
sends links again, changes cohorts, changes and cancels meet-and-greets (sign-ups told), and
placements stop changing once the allocation is published. Pages offer what the API takes."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pytest

from services.recruitment.api.education_schemas import (
    CohortInputSchema,
    CohortPatchSchema,
    InvitationAnswerSchema,
    MeetSessionInputSchema,
    PlacementInputSchema,
)
from tests.integration.test_portal import follow_login, log_in
from tests.support.forms import assert_form_offers_schema
from tests.support.placements import partner_with_cohort
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration

CSV = (
    "name;email;student_number\n"
    "Ada Jansen;ada@student.example.org;1001\n"
    "Bram de Vries;bram@student.example.org;1002\n"
)


@pytest.fixture
def net(stack):
    return network_with_members(stack.app("recruitment"))


@pytest.fixture
def cohort(net):
    cohort = partner_with_cohort(net)
    cohort.offer("Humanitas", "Huisbezoek", 1)
    cohort.offer("Zonnebloem", "Uitstapjes", 2)
    return cohort


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def import_csv(cohort, text: str = CSV) -> dict:
    answer = cohort.api("post", f"/cohorts/{cohort.id}/students/import", who="partner", data=text)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def invitations(cohort, email: str) -> list[dict]:
    app = cohort.net.client.application
    return [e for e in events(app, "recruitment.student_invited.v1") if e["student"]["email"] == email]


def answer_invitation(client, event: dict, preferences: list[str], consent: bool = True):
    link = urlparse(event["invitation_url"]).path
    page = client.get(link)
    assert page.status_code == 200, page.get_data(as_text=True)
    data = {"csrf_token": csrf(page.get_data(as_text=True)), "preferences": preferences}
    if consent:
        data["consent"] = "1"
    return client.post(link, data=data)


def partner_client(net, cohort):
    app = net.client.application
    address = (
        f"docent.{__import__('zlib').crc32(cohort.body['name'].encode()) % 100000}@inholland.example.org"
    )
    client, link = log_in(app, net, address)
    assert follow_login(client, link).status_code == 303
    return client


def member_client(net, name: str):
    client, link = log_in(net.client.application, net, f"{name.lower()}@enkhuizen.example.org")
    assert follow_login(client, link).status_code == 303
    return client


# --- imported students -----------------------------------------------------------------------


def test_each_imported_student_gets_a_personal_link_and_importing_again_sends_none(cohort):
    report = import_csv(cohort)
    assert report["summary"]["imported"] == 2
    assert [len(invitations(cohort, a)) for a in ("ada@student.example.org", "bram@student.example.org")] == [
        1,
        1,
    ]
    [ada] = invitations(cohort, "ada@student.example.org")
    assert ada["cohort_id"] == cohort.id and "/inschrijven/uitnodiging/" in ada["invitation_url"]
    import_csv(cohort)
    assert len(invitations(cohort, "ada@student.example.org")) == 1


def test_an_imported_student_who_answers_the_link_is_in_the_allocation(cohort, net):
    import_csv(cohort)
    [event] = invitations(cohort, "ada@student.example.org")
    client = net.client.application.test_client()
    answer = answer_invitation(client, event, [cohort.placements["Uitstapjes"]])
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/student")
    assert "ingeschreven" in client.get("/student").get_data(as_text=True)
    report = cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": 1}).get_json()
    assert report["placed"] == 1 and report["choices"] == {"1": 1}
    assert [u["name"] for u in report["unplaced"]] == ["Bram de Vries"]  # he has not confirmed


def test_an_invitation_needs_consent_and_works_once(cohort, net):
    import_csv(cohort)
    [event] = invitations(cohort, "ada@student.example.org")
    client = net.client.application.test_client()
    refused = answer_invitation(client, event, [], consent=False)
    assert refused.status_code == 422 and "toestemming" in refused.get_data(as_text=True).lower()
    assert answer_invitation(client, event, []).status_code == 303
    again = net.client.application.test_client().get(urlparse(event["invitation_url"]).path)
    assert again.status_code == 200  # the page opens, but pressing the button again is refused
    assert answer_invitation(net.client.application.test_client(), event, []).status_code == 410


def test_an_invitation_keeps_to_the_groups_registration_window(cohort, net):
    import_csv(cohort)
    [event] = invitations(cohort, "ada@student.example.org")
    closed = cohort.api("put", f"/cohorts/{cohort.id}/registration", who="partner", json={"open": False})
    assert closed.status_code == 200
    late = answer_invitation(net.client.application.test_client(), event, [])
    assert late.status_code == 422 and "inschrijving" in late.get_data(as_text=True).lower()
    report = cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": 1}).get_json()
    assert report["placed"] == 0  # as with the group's own link: after closing, nobody joins


def test_the_partner_sends_the_link_again_to_one_or_to_all_unconfirmed(cohort, net):
    import_csv(cohort)
    [ada_event] = invitations(cohort, "ada@student.example.org")
    answer_invitation(net.client.application.test_client(), ada_event, [])
    everyone = cohort.api("post", f"/cohorts/{cohort.id}/students/invitations", who="partner", json={})
    assert everyone.get_json() == {"sent": 1}  # Ada confirmed; only Bram is sent it again
    assert len(invitations(cohort, "bram@student.example.org")) == 2
    client = partner_client(net, cohort)
    page = client.get(f"/onderwijs/groepen/{cohort.id}").get_data(as_text=True)
    assert "Bram de Vries" in page and "Ada Jansen" not in page
    bram = re.search(r'name="student_id" value="([^"]+)"', page).group(1)
    sent = client.post(
        f"/onderwijs/groepen/{cohort.id}/uitnodigen",
        data={"csrf_token": csrf(page), "student_id": bram},
        follow_redirects=True,
    )
    assert "Link verstuurd naar 1 student." in sent.get_data(as_text=True)
    assert len(invitations(cohort, "bram@student.example.org")) == 3


# --- cohorts ---------------------------------------------------------------------------------


def test_a_cohort_is_changed_and_keeps_its_link(cohort):
    closes = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    changed = cohort.api(
        "patch", f"/cohorts/{cohort.id}", who="partner", json={"name": "SW jaar 1", "closes_at": closes}
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["name"] == "SW jaar 1"
    assert changed.get_json()["short_code"] == cohort.body["short_code"]
    early = (datetime.now(UTC) - timedelta(days=5)).isoformat()
    refused = cohort.api("patch", f"/cohorts/{cohort.id}", who="partner", json={"closes_at": early})
    assert refused.status_code == 422


def test_the_cohort_form_reads_dutch_wall_clock_time_and_keeps_what_was_typed(cohort, net):
    client = partner_client(net, cohort)
    page = client.get("/onderwijs/groepen/nieuw").get_data(as_text=True)
    data = {
        "csrf_token": csrf(page),
        "name": "Pedagogiek jaar 2",
        "kind": "longer",
        "required_hours": "40",
        "max_preferences": "2",
        "opens_at": "2026-09-01T09:00",
        "closes_at": "2026-08-01T09:00",
    }
    refused = client.post("/onderwijs/groepen/nieuw", data=data)
    assert refused.status_code == 422 and 'value="Pedagogiek jaar 2"' in refused.get_data(as_text=True)
    opened = client.post("/onderwijs/groepen/nieuw", data={**data, "closes_at": "2026-10-01T17:00"})
    assert opened.status_code == 303
    [made] = [c for c in cohort.api("get", "/cohorts", who="partner").get_json() if c["name"] == data["name"]]
    assert made["opens_at"].startswith("2026-09-01T07:00")  # 09:00 in Amsterdam's summer time


def test_the_partners_forms_offer_what_the_api_takes(cohort, net):
    client = partner_client(net, cohort)
    new = client.get("/onderwijs/groepen/nieuw").get_data(as_text=True)
    # A partner opens cohorts for itself: only the coordinator names the partner.
    assert_form_offers_schema(new, CohortInputSchema(), leave_out=("partner_id",))
    edit = client.get(f"/onderwijs/groepen/{cohort.id}/bewerken").get_data(as_text=True)
    assert_form_offers_schema(edit, CohortPatchSchema())
    meet = client.get(f"/onderwijs/groepen/{cohort.id}/kennismaking/nieuw").get_data(as_text=True)
    assert_form_offers_schema(meet, MeetSessionInputSchema())


def test_the_poster_shows_the_qr_code_the_short_code_and_the_address(cohort, net):
    client = partner_client(net, cohort)
    page = client.get(f"/onderwijs/groepen/{cohort.id}/poster").get_data(as_text=True)
    assert "<svg" in page and cohort.body["short_code"] in page and "/inschrijven<" in page
    assert "@media print" in page


def test_rotating_asks_first_and_the_old_link_stops_working(cohort, net):
    client = partner_client(net, cohort)
    ask = client.get(f"/onderwijs/groepen/{cohort.id}/link-vernieuwen")
    assert "Weet je het zeker?" in ask.get_data(as_text=True)
    assert net.client.get(f"/inschrijven/{cohort.link}").status_code == 200
    client.post(
        f"/onderwijs/groepen/{cohort.id}/link-vernieuwen",
        data={"csrf_token": csrf(ask.get_data(as_text=True))},
    )
    assert net.client.get(f"/inschrijven/{cohort.link}").status_code == 404


# --- meet-and-greet --------------------------------------------------------------------------


def _slot(cohort, capacity: int = 5) -> str:
    start = datetime.now(UTC) + timedelta(days=3)
    body = {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "place": "Bibliotheek",
        "capacity": capacity,
    }
    answer = cohort.api("post", f"/cohorts/{cohort.id}/meet-sessions", who="partner", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def _sign_up(student_client, meet_id: str) -> None:
    page = student_client.get("/student").get_data(as_text=True)
    answer = student_client.post(f"/student/kennismaking/{meet_id}", data={"csrf_token": csrf(page)})
    assert answer.status_code == 303


def test_cancelling_a_meet_and_greet_tells_each_student_signed_up(cohort, net):
    meet_id = _slot(cohort)
    sanne = cohort.register("Sanne Bakker", ["Huisbezoek"])
    _sign_up(sanne["client"], meet_id)
    gone = cohort.api("delete", f"/meet-sessions/{meet_id}", who="partner")
    assert gone.status_code == 204
    [event] = events(net.client.application, "recruitment.meet_session_cancelled.v1")
    assert [s["email"] for s in event["students"]] == [sanne["email"]] and event["place"] == "Bibliotheek"
    assert cohort.api("get", f"/cohorts/{cohort.id}/meet-sessions", who="partner").get_json() == []


def test_a_meet_and_greet_nobody_signed_up_for_is_cancelled_without_a_message(cohort, net):
    meet_id = _slot(cohort)
    assert cohort.api("delete", f"/meet-sessions/{meet_id}", who="partner").status_code == 204
    assert events(net.client.application, "recruitment.meet_session_cancelled.v1") == []


def test_a_meet_and_greet_cannot_have_fewer_places_than_sign_ups(cohort):
    meet_id = _slot(cohort)
    sanne = cohort.register("Sanne Bakker", ["Huisbezoek"])
    _sign_up(sanne["client"], meet_id)
    refused = cohort.api("patch", f"/meet-sessions/{meet_id}", who="partner", json={"capacity": 0})
    assert refused.status_code == 422
    moved = cohort.api("patch", f"/meet-sessions/{meet_id}", who="partner", json={"place": "Stadhuis"})
    assert moved.get_json()["place"] == "Stadhuis"


def test_another_partner_cannot_cancel_the_meet_and_greet(cohort, net):
    meet_id = _slot(cohort)
    other = partner_with_cohort(net, name="Pedagogiek jaar 2")
    assert other.api("delete", f"/meet-sessions/{meet_id}", who="partner").status_code == 404


# --- placements offered by members -----------------------------------------------------------


def test_a_member_offers_and_changes_a_placement_until_the_allocation_is_published(cohort, net):
    client = member_client(net, "Present")
    form = client.get(f"/portaal/stageplekken/groep/{cohort.id}/nieuw").get_data(as_text=True)
    # Members do not see the students before the allocation; the priority list stays in the API.
    assert_form_offers_schema(form, PlacementInputSchema(), leave_out=("organisation_id", "priorities"))
    data = {"csrf_token": csrf(form), "title": "Klussen", "capacity": "2", "area": "West", "hours": ""}
    assert client.post(f"/portaal/stageplekken/groep/{cohort.id}/nieuw", data=data).status_code == 303
    [placement] = [
        p for p in cohort.api("get", f"/cohorts/{cohort.id}/placements").get_json() if p["title"] == "Klussen"
    ]
    edit = f"/portaal/stageplekken/{placement['id']}/bewerken"
    page = client.get(edit).get_data(as_text=True)
    assert client.post(edit, data={**data, "csrf_token": csrf(page), "capacity": "3"}).status_code == 303
    cohort.register("Sanne Bakker", ["Huisbezoek"])
    cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": 1})
    cohort.api("post", f"/cohorts/{cohort.id}/allocation/publish")
    refused = client.post(edit, data={**data, "csrf_token": csrf(page), "capacity": "4"})
    assert refused.status_code == 422 and "gepubliceerd" in refused.get_data(as_text=True)
    api = cohort.api("patch", f"/placements/{placement['id']}", who="Present", json={"capacity": 5})
    assert api.status_code == 409
    late = cohort.api(
        "post", f"/cohorts/{cohort.id}/placements", who="Present", json={"title": "Laat", "capacity": 1}
    )
    assert late.status_code == 409


def test_the_invitation_form_offers_what_its_schema_takes(cohort, net):
    import_csv(cohort)
    [event] = invitations(cohort, "ada@student.example.org")
    page = net.client.application.test_client().get(urlparse(event["invitation_url"]).path)
    assert_form_offers_schema(page.get_data(as_text=True), InvitationAnswerSchema())


def test_an_invitation_link_does_not_pass_as_a_bare_confirmation(cohort, net):
    """The invitation asks for consent: its token must not confirm the address without it."""
    import_csv(cohort)
    [event] = invitations(cohort, "ada@student.example.org")
    token = urlparse(event["invitation_url"]).path.rsplit("/", 1)[1]
    assert net.client.get(f"/inschrijven/bevestigen/{token}").status_code == 410


def test_another_partner_does_not_see_the_cohort_pages(cohort, net):
    other = partner_with_cohort(net, name="Pedagogiek jaar 2")
    client = partner_client(net, other)
    for path in ("", "/bewerken", "/poster", "/link-vernieuwen", "/kennismaking/nieuw"):
        assert client.get(f"/onderwijs/groepen/{cohort.id}{path}").status_code == 404


def test_a_member_cannot_open_the_partners_pages(cohort, net):
    client = member_client(net, "Humanitas")
    assert client.get(f"/onderwijs/groepen/{cohort.id}").status_code == 403


def test_the_partner_changes_a_cohort_and_a_meet_and_greet_through_pages(cohort, net):
    client = partner_client(net, cohort)
    edit = f"/onderwijs/groepen/{cohort.id}/bewerken"
    page = client.get(edit).get_data(as_text=True)
    assert 'value="Social Work jaar 1"' in page
    form = {
        "csrf_token": csrf(page),
        "name": "Social Work jaar 1 (najaar)",
        "kind": "introduction",
        "required_hours": "12",
        "max_preferences": "3",
        "opens_at": re.search(r'name="opens_at" value="([^"]+)"', page).group(1),
        "closes_at": re.search(r'name="closes_at" value="([^"]+)"', page).group(1),
    }
    assert client.post(edit, data=form).status_code == 303
    assert cohort.api("get", f"/cohorts/{cohort.id}", who="partner").get_json()["required_hours"] == 12

    meet_id = _slot(cohort, capacity=5)
    for name in ("Sanne Bakker", "Tim Visser"):
        _sign_up(cohort.register(name, ["Huisbezoek"])["client"], meet_id)
    meet_edit = f"/onderwijs/kennismaking/{meet_id}/bewerken"
    page = client.get(meet_edit).get_data(as_text=True)
    values = dict(re.findall(r'name="(starts_at|ends_at|place|capacity)" value="([^"]*)"', page))
    refused = client.post(meet_edit, data={**values, "csrf_token": csrf(page), "capacity": "1"})
    assert refused.status_code == 422 and "al meer studenten aangemeld" in refused.get_data(as_text=True)
    moved = client.post(meet_edit, data={**values, "csrf_token": csrf(page), "place": "Stadhuis"})
    assert moved.status_code == 303
    [slot] = cohort.api("get", f"/cohorts/{cohort.id}/meet-sessions", who="partner").get_json()
    assert (slot["place"], slot["taken"]) == ("Stadhuis", 2)


def test_the_start_page_counts_who_has_not_confirmed_per_group(cohort, net):
    import_csv(cohort)
    client = partner_client(net, cohort)
    page = client.get("/onderwijs").get_data(as_text=True)
    assert "2 niet bevestigd" in page
