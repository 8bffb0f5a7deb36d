"""Student placements end to end through the API and pages: registration through the link, the
allocation, confirmation, hours, sign-off, the statement, and what each role may see."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.support.placements import csrf, partner_with_cohort
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration


@pytest.fixture
def net(stack):
    return network_with_members(stack.app("recruitment"))


@pytest.fixture
def cohort(net):
    cohort = partner_with_cohort(net)
    cohort.offer("Humanitas", "Huisbezoek", 1)
    cohort.offer("Zonnebloem", "Uitstapjes", 2)
    cohort.offer("Present", "Klussen", 1)
    return cohort


def allocate_and_publish(cohort, seed: int = 7) -> dict:
    report = cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": seed})
    assert report.status_code == 200, report.get_json()
    published = cohort.api("post", f"/cohorts/{cohort.id}/allocation/publish")
    assert published.status_code == 200
    return report.get_json()


def log_hours(student_client, day: date, hours: str, activity: str):
    page = student_client.get("/student").get_data(as_text=True)
    return student_client.post(
        "/student/uren",
        data={"csrf_token": csrf(page), "day": day.isoformat(), "hours": hours, "activity": activity},
    )


def test_a_student_is_registered_placed_confirmed_logs_hours_and_is_signed_off(cohort, net):
    app = net.client.application
    sanne = cohort.register("Sanne Bakker", ["Huisbezoek", "Uitstapjes"])
    report = allocate_and_publish(cohort)
    assert report["placed"] == 1 and report["choices"] == {"1": 1} and report["unplaced"] == []
    [assigned] = events(app, "recruitment.placement_assigned.v1")
    assert assigned["student"]["email"] == sanne["email"] and assigned["organisation_name"] == "Humanitas"

    confirmed = cohort.api("post", f"/placements/students/{sanne['id']}/confirm", who="Humanitas")
    assert confirmed.get_json()["status"] == "confirmed"
    [event] = events(app, "recruitment.placement_confirmed.v1")
    assert event["partner_id"] == cohort.partner_id and event["required_hours"] == 8

    student = sanne["client"]
    yesterday = date.today() - timedelta(days=1)
    assert log_hours(student, yesterday, "5", "Koffie gedronken met mevrouw De Boer").status_code == 303
    assert log_hours(student, yesterday, "4,5" if False else "4.5", "Boodschappen gedaan").status_code == 303
    future = log_hours(student, date.today() + timedelta(days=2), "3", "Vooruit ingevuld")
    assert future.status_code == 422 and "toekomst" in future.get_data(as_text=True)

    entries = cohort.api("get", f"/placements/students/{sanne['id']}/hours", who="Humanitas").get_json()
    assert [e["hours"] for e in entries] == [5.0, 4.5]
    too_early = cohort.api("post", f"/placements/students/{sanne['id']}/sign-off", who="Humanitas")
    assert too_early.status_code == 409 and "review every logged entry" in too_early.get_json()["message"]
    cohort.api("post", f"/hours/{entries[0]['id']}/review", who="Humanitas", json={})
    corrected = cohort.api(
        "post", f"/hours/{entries[1]['id']}/review", who="Humanitas", json={"hours": 2, "note": "Was 2 uur"}
    ).get_json()
    assert corrected["status"] == "corrected" and corrected["approved_hours"] == 2
    short = cohort.api("post", f"/placements/students/{sanne['id']}/sign-off", who="Humanitas")
    assert short.status_code == 409 and "7 of the required 8 hours" in short.get_json()["message"]

    log_hours(student, yesterday, "1", "Afscheid genomen")
    last = cohort.api("get", f"/placements/students/{sanne['id']}/hours", who="Humanitas").get_json()[-1]
    cohort.api("post", f"/hours/{last['id']}/review", who="Humanitas", json={})
    signed = cohort.api("post", f"/placements/students/{sanne['id']}/sign-off", who="Humanitas")
    assert signed.status_code == 200 and signed.get_json()["status"] == "signed_off"
    again = cohort.api("post", f"/placements/students/{sanne['id']}/sign-off", who="Humanitas")
    assert again.status_code == 409
    [signed_off] = events(app, "recruitment.placement_signed_off.v1")
    assert signed_off["hours"] == 8.0

    statement = student.get("/student/verklaring").get_data(as_text=True)
    assert "Sanne Bakker" in statement and "Humanitas" in statement and "Stageverklaring" in statement
    pdf = student.get("/student/verklaring.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"

    progress = cohort.api("get", "/students", who="partner").get_json()
    assert progress == [
        {
            "id": sanne["id"],
            "name": "Sanne Bakker",
            "email": sanne["email"],
            "student_number": progress[0]["student_number"],
            "cohort": "Social Work jaar 1",
            "status": "signed_off",
            "organisation": "Humanitas",
            "placement": "Huisbezoek",
            "logged_hours": 10.5,
            "approved_hours": 8.0,
            "signed_off_at": progress[0]["signed_off_at"],
        }
    ]
    exported = cohort.api("get", "/students.csv", who="partner")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert [(r["name"], r["status"], r["approved_hours"]) for r in rows] == [
        ("Sanne Bakker", "signed_off", "8.0")
    ]


def test_registration_refuses_bad_input_with_field_messages(cohort, net):
    url = f"/api/recruitment/registration/{cohort.link}"
    base = {"name": "Ali", "email": "ali@student.example.org", "student_number": "1", "consent": True}
    too_many = net.client.post(url, json={**base, "preferences": list(cohort.placements.values()) * 2})
    assert too_many.status_code == 422 and "preferences" in too_many.get_json()["errors"]
    unknown = net.client.post(url, json={**base, "preferences": ["not-a-placement"]})
    assert (
        unknown.status_code == 422
        and "not a placement of this group" in unknown.get_json()["errors"]["preferences"][0]
    )
    no_consent = net.client.post(url, json={**base, "consent": False, "preferences": []})
    assert no_consent.status_code == 422 and "consent" in no_consent.get_json()["errors"]
    assert events(net.client.application, "recruitment.student_registered.v1") == []


def test_registration_closes_at_the_end_of_its_window_with_a_clear_message(net):
    now = datetime.now(UTC)
    cohort = partner_with_cohort(
        net,
        opens_at=(now - timedelta(days=10)).isoformat(),
        closes_at=(now - timedelta(minutes=1)).isoformat(),
    )
    body = {"name": "Late", "email": "late@student.example.org", "student_number": "9", "consent": True}
    answer = net.client.post(f"/api/recruitment/registration/{cohort.link}", json={**body, "preferences": []})
    assert answer.status_code == 409 and "registration closed at the end" in answer.get_json()["message"]
    page = net.client.get(f"/inschrijven/{cohort.link}")
    assert page.status_code == 410
    assert "de inschrijving is gesloten aan het eind van de inschrijfperiode" in page.get_data(as_text=True)


def test_a_rotated_link_stops_working_and_the_short_code_leads_to_the_new_one(cohort, net):
    old = cohort.link
    rotated = cohort.api("post", f"/cohorts/{cohort.id}/link", who="partner").get_json()
    assert net.client.get(f"/inschrijven/{old}").status_code == 404
    page = net.client.get("/inschrijven").get_data(as_text=True)
    typed = rotated["short_code"].lower().replace("-", " ")
    answer = net.client.post("/inschrijven", data={"csrf_token": csrf(page), "code": typed})
    assert answer.status_code == 303 and answer.location.endswith(
        rotated["registration_url"].rsplit("/", 1)[1]
    )


def test_the_registration_page_registers_in_dutch_and_re_renders_with_messages(cohort, net):
    client = net.client.application.test_client()
    page = client.get(f"/inschrijven/{cohort.link}").get_data(as_text=True)
    assert "Inschrijven voor een stageplek" in page and "Keuze 1" in page and "Huisbezoek" in page
    bad = client.post(
        f"/inschrijven/{cohort.link}", data={"csrf_token": csrf(page), "name": "Ali", "email": "geen-adres"}
    )
    assert bad.status_code == 422 and 'value="Ali"' in bad.get_data(as_text=True)
    form = {
        "csrf_token": csrf(page),
        "name": "Ali Yilmaz",
        "email": "ali@student.example.org",
        "student_number": "500123",
        "consent": "y",
        "choice_1": cohort.placements["Klussen"],
        "choice_2": cohort.placements["Huisbezoek"],
    }
    done = client.post(f"/inschrijven/{cohort.link}", data=form)
    assert done.status_code == 200 and "ali@student.example.org" in done.get_data(as_text=True)
    [event] = events(net.client.application, "recruitment.student_registered.v1")
    assert event["student"]["language"] == "nl" and event["cohort_name"] == "Social Work jaar 1"


def test_a_partner_sees_only_its_own_cohorts_and_students(cohort, net):
    other = partner_with_cohort(net, name="Toegepaste Psychologie")
    other.offer("Humanitas", "Luisteren", 3)
    cohort.register("Sanne Bakker", ["Huisbezoek"], verify=False)
    other.register("Femke Smit", ["Luisteren"], verify=False)
    mine = cohort.api("get", "/students", who="partner").get_json()
    assert [s["name"] for s in mine] == ["Sanne Bakker"]
    assert cohort.api("get", f"/cohorts/{other.id}", who="partner").status_code == 404
    assert cohort.api("get", f"/cohorts/{other.id}/students", who="partner").status_code == 404
    assert cohort.api("post", f"/cohorts/{other.id}/link", who="partner").status_code == 404
    assert [c["id"] for c in cohort.api("get", "/cohorts", who="partner").get_json()] == [cohort.id]
    exported = cohort.api("get", "/students.csv", who="partner").get_data(as_text=True)
    assert "Sanne Bakker" in exported and "Femke Smit" not in exported
    assert len(cohort.api("get", "/students").get_json()) == 2  # the coordinator sees both


def test_an_organisation_acts_only_on_students_at_its_own_placements(cohort, net):
    sanne = cohort.register("Sanne Bakker", ["Huisbezoek"])
    allocate_and_publish(cohort)
    for step in ("confirm", "decline", "sign-off"):
        answer = cohort.api("post", f"/placements/students/{sanne['id']}/{step}", who="Zonnebloem")
        assert answer.status_code == 404, step
    assert cohort.api("post", f"/cohorts/{cohort.id}/allocation", who="Humanitas", json={}).status_code == 403
    placement = cohort.placements["Huisbezoek"]
    assert (
        cohort.api("patch", f"/placements/{placement}", who="Zonnebloem", json={"capacity": 9}).status_code
        == 403
    )


def test_a_declined_student_returns_to_the_pool_and_is_not_proposed_there_again(cohort, net):
    sanne = cohort.register("Sanne Bakker", ["Huisbezoek", "Uitstapjes"])
    allocate_and_publish(cohort)
    declined = cohort.api("post", f"/placements/students/{sanne['id']}/decline", who="Humanitas")
    assert declined.get_json()["status"] == "registered"
    allocate_and_publish(cohort, seed=8)
    [*_, assigned] = events(net.client.application, "recruitment.placement_assigned.v1")
    assert assigned["organisation_name"] == "Zonnebloem" and assigned["choice"] == 2


def test_unverified_and_crowded_out_students_are_reported_with_a_reason(cohort):
    cohort.register("Anna", ["Huisbezoek"], student_number="1")
    cohort.register("Bram", ["Huisbezoek"], student_number="2")
    cohort.register("Cees", ["Klussen"], student_number="3", verify=False)
    report = cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": 1}).get_json()
    reasons = {u["name"]: u["reason"] for u in report["unplaced"]}
    assert report["placed"] == 1 and len(reasons) == 2
    assert reasons["Cees"] == "unverified" and "preferences_full" in reasons.values()
    same = cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": 1}).get_json()
    assert same == report


def test_the_coordinator_adjusts_by_hand_within_capacity(cohort):
    anna = cohort.register("Anna", ["Huisbezoek"], student_number="1")
    bram = cohort.register("Bram", ["Uitstapjes"], student_number="2")
    cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": 1})
    huisbezoek = cohort.placements["Huisbezoek"]
    full = cohort.api(
        "post",
        f"/cohorts/{cohort.id}/allocation/adjust",
        json={"student_id": bram["id"], "placement_id": huisbezoek},
    )
    assert full.status_code == 409 and "full" in full.get_json()["message"]
    moved = cohort.api(
        "post",
        f"/cohorts/{cohort.id}/allocation/adjust",
        json={"student_id": anna["id"], "placement_id": cohort.placements["Klussen"]},
    ).get_json()
    assert moved["proposed_placement_id"] == cohort.placements["Klussen"] and moved["choice"] is None


def test_meet_and_greet_slots_keep_their_capacity(cohort, net):
    start = datetime.now(UTC) + timedelta(days=3)
    slot = cohort.api(
        "post",
        f"/cohorts/{cohort.id}/meet-sessions",
        who="partner",
        json={
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "place": "Stadhuis",
            "capacity": 1,
        },
    ).get_json()
    first = cohort.register("Anna", [], student_number="1")["client"]
    second = cohort.register("Bram", [], student_number="2")["client"]
    for client, expected in ((first, "Je bent aangemeld"), (second, "Deze sessie is vol")):
        page = client.get("/student").get_data(as_text=True)
        answer = client.post(f"/student/kennismaking/{slot['id']}", data={"csrf_token": csrf(page)})
        assert expected in client.get(answer.location).get_data(as_text=True)
    [listed] = cohort.api("get", f"/cohorts/{cohort.id}/meet-sessions", who="partner").get_json()
    assert listed["taken"] == 1


CSV_FILE = """name;email;student_number;language
Sanne Bakker;sanne@student.example.org;500001;nl
Ali Yilmaz;ali@student.example.org;500002;en
;leeg@student.example.org;500003;nl
Femke Smit;geen-adres;500004;nl
Joris;joris@student.example.org;;nl
Dubbel;sanne@student.example.org;500005;nl
Kees;kees@student.example.org;500006;de
"""


def test_csv_import_reports_every_row_and_reimporting_changes_nothing(cohort):
    first = cohort.api(
        "post", f"/cohorts/{cohort.id}/students/import", who="partner", data=CSV_FILE, content_type="text/csv"
    ).get_json()
    assert first["summary"] == {"imported": 2, "updated": 0, "unchanged": 0, "refused": 5}
    refused = {row["line"]: row["reason"] for row in first["rows"] if row["outcome"] == "refused"}
    assert refused == {
        4: "name is empty",
        5: refused[5],
        6: "student number is empty",
        7: "this e-mail address is registered with another student number",
        8: "language must be nl or en",
    }
    assert refused[5] == "e-mail address is not valid"
    again = cohort.api(
        "post", f"/cohorts/{cohort.id}/students/import", who="partner", data=CSV_FILE, content_type="text/csv"
    ).get_json()
    assert again["summary"] == {"imported": 0, "updated": 0, "unchanged": 2, "refused": 5}
    assert len(cohort.api("get", f"/cohorts/{cohort.id}/students", who="partner").get_json()) == 2
    no_header = cohort.api(
        "post",
        f"/cohorts/{cohort.id}/students/import",
        who="partner",
        data="a;b\n1;2\n",
        content_type="text/csv",
    )
    assert no_header.status_code == 422 and "file" in no_header.get_json()["errors"]


def test_the_csv_import_command_shows_progress_and_the_refused_rows(cohort, tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_text(CSV_FILE, encoding="utf-8")
    runner = cohort.net.client.application.test_cli_runner()
    result = runner.invoke(args=["import-students", "--cohort", cohort.id, str(path)])
    assert result.exit_code == 0, result.output
    assert "line 4: refused (name is empty)" in result.output
    assert "2 imported, 0 updated, 0 unchanged, 5 refused" in result.output
    again = runner.invoke(args=["import-students", "--cohort", cohort.id, str(path)])
    assert "0 imported, 0 updated, 2 unchanged, 5 refused" in again.output


def test_registering_again_changes_nothing_until_the_owner_opens_the_new_link(cohort, net):
    sanne = cohort.register("Sanne Bakker", ["Huisbezoek"], student_number="500001")
    url = f"/api/recruitment/registration/{cohort.link}"
    intruder = {
        "name": "Niet Sanne",
        "email": sanne["email"],
        "student_number": "500001",
        "preferences": [cohort.placements["Klussen"]],
        "consent": True,
    }
    answer = net.client.post(url, json=intruder)
    fresh = net.client.post(
        url, json={**intruder, "email": "nieuw@student.example.org", "student_number": "9"}
    )
    assert answer.get_json() == fresh.get_json() == {"message": "Check your e-mail to confirm your address."}
    [student] = [
        s for s in cohort.api("get", f"/cohorts/{cohort.id}/students").get_json() if s["id"] == sanne["id"]
    ]
    assert student["name"] == "Sanne Bakker"  # unchanged: the link went to Sanne's own mailbox
    cohort.verify(sanne["email"])  # Sanne opens the newest link after all: now it applies
    [student] = [
        s for s in cohort.api("get", f"/cohorts/{cohort.id}/students").get_json() if s["id"] == sanne["id"]
    ]
    assert student["name"] == "Niet Sanne"


def test_publishing_twice_announces_once_and_a_double_confirm_confirms_once(cohort, net):
    app = net.client.application
    sanne = cohort.register("Sanne Bakker", ["Huisbezoek"])
    allocate_and_publish(cohort)
    assert cohort.api("post", f"/cohorts/{cohort.id}/allocation/publish").get_json() == {"assigned": 0}
    assert len(events(app, "recruitment.placement_assigned.v1")) == 1
    first = cohort.api("post", f"/placements/students/{sanne['id']}/confirm", who="Humanitas")
    second = cohort.api("post", f"/placements/students/{sanne['id']}/confirm", who="Humanitas")
    declined = cohort.api("post", f"/placements/students/{sanne['id']}/decline", who="Humanitas")
    assert (first.status_code, second.status_code, declined.status_code) == (200, 409, 409)
    assert len(events(app, "recruitment.placement_confirmed.v1")) == 1


def test_capacity_cannot_drop_below_the_students_proposed(cohort):
    cohort.register("Anna", ["Uitstapjes"], student_number="1")
    cohort.register("Bram", ["Uitstapjes"], student_number="2")
    cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": 1})
    placement = cohort.placements["Uitstapjes"]
    lowered = cohort.api("patch", f"/placements/{placement}", who="Zonnebloem", json={"capacity": 1})
    assert lowered.status_code == 409 and "2 students" in lowered.get_json()["message"]


def test_the_api_import_accepts_excel_utf8_with_a_byte_order_mark(cohort):
    body = ("\ufeff" + CSV_FILE).encode("utf-8")
    answer = cohort.api(
        "post", f"/cohorts/{cohort.id}/students/import", who="partner", data=body, content_type="text/csv"
    )
    assert answer.status_code == 200 and answer.get_json()["summary"]["imported"] == 2
    huge = "name;email;student_number\n" + "x" * 200_000 + ";a@b.nl;1\n"
    refused = cohort.api(
        "post", f"/cohorts/{cohort.id}/students/import", who="partner", data=huge, content_type="text/csv"
    )
    assert refused.status_code == 422 and "file" in refused.get_json()["errors"]
