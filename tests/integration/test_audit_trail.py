"""The audit trail: every bulk export or search of personal data writes one entry (who, what, about
what, how many) in the service that holds the data, and only the network's coordinator reads its
network's trail."""

import time
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from services.appreciation.models import AuditEntry as AppreciationEntry
from services.notifications.models import ApiToken, Delivery
from services.notifications.models import AuditEntry as NotificationsEntry
from services.recruitment.models import AuditEntry as RecruitmentEntry
from shared.api_tokens import issue_token
from tests.support.appreciation import pass_network, publish
from tests.support.flows import bearer
from tests.support.placements import csrf, partner_with_cohort
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration


def trail(app, model) -> list[tuple]:
    with app.extensions["knoop"].db.reader() as session:
        rows = session.scalars(select(model).order_by(model.id))
        return [(e.action, e.role, e.actor, e.subject, e.count) for e in rows]


def page_as(app, role: str, network_id: str, actor: str = "", **ids):
    """A page session as a login would leave it (the login itself: `logged_in`)."""
    client = app.test_client()
    with client.session_transaction() as stored:
        stored["principal"] = {
            "role": role,
            "network_id": network_id,
            "actor": actor,
            "since": time.time(),
            **ids,
        }
    return client


def logged_in(app, slug: str, email: str):
    """Log in through the e-mail link, as a person does."""
    client = app.test_client()
    page = client.get(f"/n/{slug}/inloggen").get_data(as_text=True)
    client.post(f"/n/{slug}/inloggen", data={"csrf_token": csrf(page), "email": email})
    [*_, asked] = events(app, "recruitment.login_link_requested.v1")
    link = urlparse(asked["links"][0]["url"]).path
    answer = client.post(link, data={"csrf_token": csrf(client.get(link).get_data(as_text=True))})
    assert answer.status_code == 303
    return client


def test_student_exports_and_response_lists_are_recorded_with_who_and_how_many(stack):
    app = stack.app("recruitment")
    net = network_with_members(app)
    network_with_members(app, slug="hoorn")
    cohort = partner_with_cohort(net)
    cohort.offer("Humanitas", "Huisbezoek", 2)
    cohort.register("Sanne Bakker", ["Huisbezoek"], verify=False)

    assert cohort.api("get", f"/students.csv?cohort={cohort.id}", who="partner").status_code == 200
    coordinator = logged_in(app, net.slug, "coordinator@example.org")
    assert "Sanne Bakker" in coordinator.get("/onderwijs/studenten.csv").get_data(as_text=True)
    assert net.client.get("/api/recruitment/responses", headers=net.token("Humanitas")).status_code == 200
    partner = "education partner Hogeschool Inholland, Social Work Social Work jaar 1"
    assert trail(app, RecruitmentEntry) == [
        ("students.csv", "education_partner", partner, cohort.id, 1),
        ("students.csv", "coordinator", "coordinator@example.org", "", 1),
        ("responses.list", "organisation", "organisation Humanitas", "", 0),
    ]

    shown = coordinator.get("/portaal/auditlog?action=students.csv").get_data(as_text=True)
    assert "Studenten geëxporteerd (CSV)" in shown and partner in shown and "coordinator@example.org" in shown
    assert "organisation Humanitas" not in shown
    assert "organisation Humanitas" in coordinator.get("/portaal/auditlog").get_data(as_text=True)
    hoorn = app.extensions["recruitment_networks"].by_slug("hoorn").id
    other = page_as(app, "coordinator", hoorn).get("/portaal/auditlog").get_data(as_text=True)
    assert "Nog niets vastgelegd." in other and "coordinator@example.org" not in other
    member = page_as(app, "organisation", hoorn, organisation_id=net.id("Humanitas"))
    assert member.get("/portaal/auditlog").status_code == 403


def test_holder_searches_guest_lists_and_pass_lists_are_recorded_and_shown_to_the_coordinator(stack):
    pn = pass_network(stack)
    pn.nominate("Humanitas", "Joop Visser")
    pn.nominate("Humanitas", "Anna de Boer")
    gathering = publish(pn)
    network_id = pn.net.client.application.extensions["recruitment_networks"].by_slug("enkhuizen").id
    coordinator = page_as(pn.app, "coordinator", network_id, "coordinator@example.org")

    assert "Joop Visser" in coordinator.get("/waardering/passen?q=joop").get_data(as_text=True)
    assert coordinator.get("/waardering/passen").status_code == 200  # the empty search form: nobody looked up
    guests = coordinator.get(f"/waardering/evenementen/{gathering['id']}/gasten.csv").get_data(as_text=True)
    assert pn.api("get", "/passes").status_code == 200
    invited = len(guests.strip().splitlines()) - 1
    assert invited == 2
    assert trail(pn.app, AppreciationEntry) == [
        ("holders.search", "coordinator", "coordinator@example.org", "joop", 1),
        ("guests.csv", "coordinator", "coordinator@example.org", gathering["id"], invited),
        ("passes.list", "coordinator", "coordinator of Netwerk enkhuizen", "", 2),
    ]

    shown = coordinator.get("/waardering/auditlog").get_data(as_text=True).split("<tbody>")[1]
    assert shown.index("Passen opgehaald (API)") < shown.index("Pashouders gezocht")  # newest first
    assert "Gastenlijst geëxporteerd (CSV)" in shown and "joop" in shown
    filtered = coordinator.get(
        "/waardering/auditlog?action=guests.csv&from=2000-01-01&to=2999-12-31"
    ).get_data(as_text=True)
    assert "Gastenlijst geëxporteerd (CSV)</td>" in filtered and "joop" not in filtered
    before = coordinator.get("/waardering/auditlog?to=2000-01-01").get_data(as_text=True)
    assert "Nog niets vastgelegd." in before
    other = (
        page_as(pn.app, "coordinator", "another-network").get("/waardering/auditlog").get_data(as_text=True)
    )
    assert "Nog niets vastgelegd." in other and "joop" not in other
    member = page_as(pn.app, "organisation", network_id, organisation_id=pn.net.id("Humanitas"))
    assert member.get("/waardering/auditlog").status_code == 403


def test_delivery_log_searches_are_recorded_and_browsing_the_log_is_not(stack):
    app = stack.app("notifications")
    with app.extensions["knoop"].db.transaction(network_id="n1") as session:
        session.add(
            Delivery(event_id="e1", event_type="t", recipient="anne@example.org", template="t", context={})
        )
        _, token = issue_token(session, ApiToken, name="monitoring", role="coordinator", network_id="n1")
    coordinator = page_as(app, "coordinator", "n1", "coordinator@example.org")
    assert "anne@example.org" in coordinator.get("/berichten/log?q=anne@example.org").get_data(as_text=True)
    assert coordinator.get("/berichten/log").status_code == 200
    answer = app.test_client().get(
        "/api/notifications/deliveries?recipient=anne@example.org", headers=bearer(token)
    )
    assert answer.status_code == 200 and len(answer.get_json()) == 1
    assert trail(app, NotificationsEntry) == [
        ("deliveries.search", "coordinator", "coordinator@example.org", "anne@example.org", 1),
        ("deliveries.list", "coordinator", "monitoring", "anne@example.org", 1),
    ]
    shown = coordinator.get("/berichten/auditlog").get_data(as_text=True)
    assert "Berichtenlog doorzocht" in shown and "monitoring" in shown
    assert "monitoring" not in page_as(app, "coordinator", "n2").get("/berichten/auditlog").get_data(
        as_text=True
    )
    assert (
        page_as(app, "organisation", "n1", organisation_id="o1").get("/berichten/auditlog").status_code == 403
    )
