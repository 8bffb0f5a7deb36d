"""Every date, number and amount a person or system can send has a plausible range, the same for
pages and API: implausible values get a 422 naming the field (never a 500), and nothing is stored."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.appreciation.models import Gathering, Offer
from services.recruitment.models import AlertSubscription, EducationPartner, Vacancy
from services.recruitment.models.placements import Cohort, MeetSession, Placement
from tests.integration.test_appreciation_events import event_body
from tests.support.appreciation import pass_network
from tests.support.placements import csrf, partner_with_cohort

pytestmark = pytest.mark.integration

SOON = datetime.now(UTC) + timedelta(days=10)


@pytest.fixture
def pn(stack):
    pn = pass_network(stack)
    pn.admit_partner("Theater De Drommedaris")
    return pn


@pytest.fixture
def cohort(pn):
    cohort = partner_with_cohort(pn.net)
    cohort.offer("Humanitas", "Huisbezoek", 1)
    return cohort


def count(app, model) -> int:
    with app.extensions["knoop"].db.reader() as session:
        return session.scalar(select(func.count()).select_from(model))


def refused(answer, field: str) -> None:
    payload = answer.get_json()
    assert answer.status_code == 422, (answer.status_code, answer.get_data(as_text=True)[:300])
    assert field in payload["errors"] and payload["errors"][field], payload


def test_an_event_that_ends_in_the_year_10000_in_utc_is_a_422_not_a_500(pn):
    late = {
        "starts_at": "9999-12-31T20:00:00-10:00",
        "ends_at": "9999-12-31T22:00:00-10:00",
        "signup_deadline": "9999-12-30T20:00:00-10:00",
    }
    refused(pn.api("post", "/events", json=event_body(**late)), "starts_at")
    created = pn.api("post", "/events", json=event_body()).get_json()
    refused(pn.api("patch", f"/events/{created['id']}", json=late), "starts_at")
    assert count(pn.app, Gathering) == 1


EVENTS = [
    ({"starts_at": "0001-01-01T10:00:00+00:00", "signup_deadline": "0001-01-01T09:00:00+00:00"}, "starts_at"),
    ({"ends_at": "2101-01-01T10:00:00+00:00"}, "ends_at"),
    ({"signup_deadline": "1999-12-31T23:59:59+00:00"}, "signup_deadline"),
    ({"capacity": "100"}, "capacity"),
    ({"capacity": 10.0}, "capacity"),
    ({"guests_allowed": True}, "guests_allowed"),
    ({"questions": ["Dieet?"] * 21}, "questions"),
]


@pytest.mark.parametrize("fields, field", EVENTS)
def test_implausible_event_values_are_refused(pn, fields, field):
    refused(pn.api("post", "/events", json=event_body(**fields)), field)
    assert count(pn.app, Gathering) == 0


OFFERS = [
    ({"discount_kind": "amount", "discount_value": 1e308}, "discount_value"),
    ({"discount_kind": "amount", "discount_value": 0.001}, "discount_value"),
    ({"discount_kind": "amount", "discount_value": "5"}, "discount_value"),
    ({"discount_kind": "percentage", "discount_value": 0.5}, "discount_value"),
    ({"valid_from": "0001-01-01"}, "valid_from"),
    ({"valid_until": "9999-12-31"}, "valid_until"),
    ({"usage": "per_period", "per_period": "2", "period": "week"}, "per_period"),
    ({"total_quantity": 1.5}, "total_quantity"),
    ({"weekdays": ["1"]}, "weekdays"),
    ({"weekdays": [1, 2, 3, 4, 5, 6, 7, 1]}, "weekdays"),
]


@pytest.mark.parametrize("fields, field", OFFERS)
def test_implausible_offer_values_are_refused(pn, fields, field):
    body = {"title": "Korting", "discount_kind": "two_for_one", **fields}
    refused(pn.api("post", "/offers", who="Theater De Drommedaris", json=body), field)
    assert count(pn.app, Offer) == 0


VACANCIES = [
    ({"start_date": "0001-01-01"}, "start_date"),
    ({"start_date": "1900-01-01"}, "start_date"),
    ({"end_date": "9999-12-31"}, "end_date"),
    ({"hours_per_week": "12"}, "hours_per_week"),
    ({"hours_per_week": 12.5}, "hours_per_week"),
    ({"hours_per_week": True}, "hours_per_week"),
    ({"minimum_age": "16"}, "minimum_age"),
]


@pytest.mark.parametrize("fields, field", VACANCIES)
def test_implausible_vacancy_values_are_refused(pn, fields, field):
    net = pn.net
    body = {"title": "Maatje gezocht", **fields}
    refused(net.client.post("/api/recruitment/vacancies", headers=net.token("Humanitas"), json=body), field)
    app = net.client.application
    assert count(app, Vacancy) == 0


def test_plausible_vacancy_dates_and_hours_are_stored(pn):
    body = {
        "title": "Maatje gezocht",
        "start_date": "2027-01-04",
        "end_date": "2027-06-30",
        "hours_per_week": 12,
    }
    answer = pn.net.client.post("/api/recruitment/vacancies", headers=pn.net.token("Humanitas"), json=body)
    assert answer.status_code == 201 and answer.get_json()["hours_per_week"] == 12


def test_implausible_cohort_partner_placement_and_meeting_values_are_refused(cohort):
    app, now = cohort.net.client.application, datetime.now(UTC)
    cohort_body = {"name": "Jaar 2", "required_hours": 8, "opens_at": now.isoformat()}
    for fields, field in [
        ({"closes_at": "9999-12-31T23:00:00+00:00"}, "closes_at"),
        (
            {"closes_at": (now + timedelta(days=5)).isoformat(), "opens_at": "0001-01-01T00:00:00Z"},
            "opens_at",
        ),
        ({"closes_at": (now + timedelta(days=5)).isoformat(), "required_hours": "8"}, "required_hours"),
    ]:
        refused(cohort.api("post", "/cohorts", who="partner", json={**cohort_body, **fields}), field)
    assert count(app, Cohort) == 1
    partner = {
        "institution": "ROC",
        "programme": "Zorg",
        "contact_name": "A",
        "contact_email": "a@roc.example.org",
    }
    refused(
        cohort.api("post", "/education-partners", json={**partner, "agreement_ends": "9999-12-31"}),
        "agreement_ends",
    )
    assert count(app, EducationPartner) == 1
    path = f"/cohorts/{cohort.id}/placements"
    refused(cohort.api("post", path, who="Humanitas", json={"title": "Klussen", "capacity": "5"}), "capacity")
    refused(
        cohort.api("post", path, who="Humanitas", json={"title": "Klussen", "capacity": 1, "hours": 1e6}),
        "hours",
    )
    assert count(app, Placement) == 1
    meeting = {"ends_at": "0001-01-01T11:00:00+00:00", "place": "Stadhuis", "capacity": 10}
    answer = cohort.api(
        "post", f"/cohorts/{cohort.id}/meet-sessions", json={"starts_at": "0001-01-01T10:00:00Z", **meeting}
    )
    refused(answer, "starts_at")
    assert count(app, MeetSession) == 0


def test_the_hours_page_refuses_a_day_before_2000_as_the_schema_does(cohort):
    from marshmallow import ValidationError

    from services.recruitment.api.education_schemas import HoursInputSchema

    student = cohort.register("Sanne Bakker", ["Huisbezoek"])
    assert cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": 1}).status_code == 200
    assert cohort.api("post", f"/cohorts/{cohort.id}/allocation/publish").status_code == 200
    assert (
        cohort.api("post", f"/placements/students/{student['id']}/confirm", who="Humanitas").status_code
        == 200
    )
    client = student["client"]
    old = date(1999, 12, 31)
    page = client.get("/student").get_data(as_text=True)
    answer = client.post(
        "/student/uren",
        data={"csrf_token": csrf(page), "day": old.isoformat(), "hours": "2", "activity": "Koffie"},
    )
    assert answer.status_code == 422 and "2000" in answer.get_data(as_text=True)
    with pytest.raises(ValidationError, match="day"):
        HoursInputSchema().load({"day": old.isoformat(), "hours": 2, "activity": "Koffie"})
    page = client.get("/student").get_data(as_text=True)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    ok = client.post(
        "/student/uren", data={"csrf_token": csrf(page), "day": yesterday, "hours": "2", "activity": "Koffie"}
    )
    assert ok.status_code == 303


def test_the_alert_page_and_api_refuse_the_same_implausible_hours(pn):
    client = pn.net.client
    api = client.post(
        "/api/recruitment/alerts",
        json={"network": pn.net.slug, "email": "a@example.org", "max_hours": 10**20},
    )
    refused(api, "max_hours")
    bank = client.get(f"/n/{pn.net.slug}").get_data(as_text=True)
    page = client.post(
        f"/n/{pn.net.slug}/alerts",
        data={
            "csrf_token": csrf(bank),
            "email": "a@example.org",
            "frequency": "daily",
            "max_hours": str(10**20),
        },
    )
    assert page.status_code == 422

    assert count(client.application, AlertSubscription) == 0
    fine = client.post(
        "/api/recruitment/alerts", json={"network": pn.net.slug, "email": "a@example.org", "max_hours": 8}
    )
    assert fine.status_code == 202, fine.get_json()
