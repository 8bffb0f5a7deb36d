"""The coordinator's pages, read with a logged-in session: the start page says what needs doing,
moderation shows the vacancy as the public will see it, a send-back needs a reason (beside its
field), the response-time chart has its numbers as text, and a cohort is allocated, adjusted and
published with messages that say what happened."""

import re

import pytest

from services.recruitment.api.education_schemas import AdjustInputSchema, AllocateInputSchema
from services.recruitment.api.schemas import RejectSchema
from tests.integration.test_portal import follow_login, log_in
from tests.support.forms import assert_form_offers_schema
from tests.support.placements import partner_with_cohort
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.fixture
def app(stack):
    return stack.app("recruitment")


def coordinator(app, net):
    client, link = log_in(app, net, "coordinator@example.org")
    follow_login(client, link)
    return client


def submitted(net, title: str) -> dict:
    vacancy = net.draft("Humanitas", title=title, description="<p>Elke week een kop koffie.</p>")
    assert net.step("Humanitas", vacancy["id"], "submit").get_json()["status"] == "submitted"
    return vacancy


def test_the_start_page_counts_the_vacancies_waiting_and_links_the_queue(app):
    net = network_with_members(app, moderated=True)
    submitted(net, "Koffie bij mevrouw")
    submitted(net, "Boodschappen doen")
    page = coordinator(app, net).get("/portaal").get_data(as_text=True)
    assert "2 vacatures wachten op je goedkeuring." in page
    assert 'href="/portaal/moderatie"' in page


def test_moderation_shows_the_vacancy_as_the_public_will_and_approving_publishes_it(app):
    net = network_with_members(app, moderated=True)
    vacancy = submitted(net, "Koffie bij mevrouw")
    client = coordinator(app, net)
    page = client.get("/portaal/moderatie").get_data(as_text=True)
    assert "<h2>Koffie bij mevrouw</h2>" in page and "Elke week een kop koffie." in page
    done = client.post(
        f"/portaal/moderatie/{vacancy['id']}/goedkeuren",
        data={"csrf_token": csrf(page)},
        follow_redirects=True,
    )
    assert "Vacature goedgekeurd en gepubliceerd" in done.get_data(as_text=True)
    assert net.client.get(f"/vacatures/{vacancy['id']}").status_code == 200


def test_sending_back_without_a_reason_shows_the_error_beside_the_field_and_keeps_the_vacancy(app):
    net = network_with_members(app, moderated=True)
    vacancy = submitted(net, "Koffie bij mevrouw")
    client = coordinator(app, net)
    path = f"/portaal/moderatie/{vacancy['id']}/terugsturen"
    form = client.get(path).get_data(as_text=True)
    assert_form_offers_schema(form, RejectSchema(), path)
    refused = client.post(path, data={"csrf_token": csrf(form), "reason": "x"})
    assert refused.status_code == 422
    assert 'id="f-reason-error"' in refused.get_data(as_text=True)
    assert events(app, "recruitment.vacancy_rejected.v1") == []
    sent = client.post(
        path, data={"csrf_token": csrf(form), "reason": "Noem de wijk."}, follow_redirects=True
    )
    assert "Vacature teruggestuurd" in sent.get_data(as_text=True)
    [rejected] = events(app, "recruitment.vacancy_rejected.v1")
    assert rejected["reason"] == "Noem de wijk."


def test_the_response_times_show_every_member_with_its_numbers_as_text(app):
    net = network_with_members(app)
    page = coordinator(app, net).get("/portaal/reactietijden").get_data(as_text=True)
    assert 'class="bars"' in page
    for member in ("Humanitas", "Zonnebloem", "Present"):
        assert member in page
    assert "nog geen reacties opgepakt" in page


def test_a_cohort_is_allocated_moved_by_hand_and_published_saying_what_happened(app):
    net = network_with_members(app)
    cohort = partner_with_cohort(net)
    cohort.offer("Humanitas", "Huisbezoek", 1)
    cohort.offer("Zonnebloem", "Uitstapjes", 2)
    sanne = cohort.register("Sanne Bakker", ["Huisbezoek", "Uitstapjes"])
    cohort.register("Tim de Vries", ["Uitstapjes"])
    client = coordinator(app, net)
    home = client.get("/portaal").get_data(as_text=True)
    assert "2 studenten wachten op een verdeling" in home
    page = client.get(f"/portaal/groepen/{cohort.id}").get_data(as_text=True)
    assert "Startgetal" not in page and "seed" not in page.lower()
    # The seed repeats an earlier draw: for the API (audits, tests), not a word for the page.
    assert_form_offers_schema(
        page, AllocateInputSchema(), f"/portaal/groepen/{cohort.id}/verdelen", leave_out=("seed",)
    )
    done = client.post(
        f"/portaal/groepen/{cohort.id}/verdelen", data={"csrf_token": csrf(page)}, follow_redirects=True
    )
    assert "Verdeling gemaakt: 2 van 2 studenten geplaatst" in done.get_data(as_text=True)

    path = f"/portaal/groepen/{cohort.id}/verplaatsen"
    form = client.get(path, query_string={"student": sanne["id"]}).get_data(as_text=True)
    assert_form_offers_schema(form, AdjustInputSchema(), path)
    assert "Huisbezoek — Humanitas (1 van 1 plekken bezet)" in form
    moved = client.post(
        path,
        data={"csrf_token": csrf(form), "student_id": sanne["id"], "placement_id": ""},
        follow_redirects=True,
    )
    assert "Sanne Bakker heeft nu geen voorgestelde stageplek" in moved.get_data(as_text=True)

    page = client.get(f"/portaal/groepen/{cohort.id}").get_data(as_text=True)
    published = client.post(
        f"/portaal/groepen/{cohort.id}/publiceren", data={"csrf_token": csrf(page)}, follow_redirects=True
    )
    assert "Verdeling gepubliceerd; 1 student en 1 organisatie krijgen bericht" in published.get_data(
        as_text=True
    )
    assert len(events(app, "recruitment.placement_assigned.v1")) == 1


def test_moving_a_student_into_a_full_placement_is_refused_beside_the_field(app):
    net = network_with_members(app)
    cohort = partner_with_cohort(net)
    huisbezoek = cohort.offer("Humanitas", "Huisbezoek", 1)
    sanne = cohort.register("Sanne Bakker", ["Huisbezoek"])
    tim = cohort.register("Tim de Vries", ["Huisbezoek"])
    client = coordinator(app, net)
    path = f"/portaal/groepen/{cohort.id}/verplaatsen"
    form = client.get(path).get_data(as_text=True)
    token = csrf(form)
    moved = client.post(
        path, data={"csrf_token": token, "student_id": sanne["id"], "placement_id": huisbezoek}
    )
    assert moved.status_code == 303
    refused = client.post(
        path, data={"csrf_token": token, "student_id": tim["id"], "placement_id": huisbezoek}
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="f-placement_id-error"' in page and "deze stageplek is vol" in page
    assert f'<option value="{tim["id"]}" selected>' in page  # what was chosen is kept
