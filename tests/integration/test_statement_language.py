"""A student's statement of placement is a printout: it is in the language the student chose at
registration, not in the language the page happens to be switched to."""

from datetime import date, timedelta

import pytest

from tests.integration.test_placements import allocate_and_publish, cohort, log_hours, net  # noqa: F401

pytestmark = pytest.mark.integration


def signed_off(cohort, name: str, **fields):  # noqa: F811
    student = cohort.register(name, ["Huisbezoek"], **fields)
    allocate_and_publish(cohort)
    cohort.api("post", f"/placements/students/{student['id']}/confirm", who="Humanitas")
    log_hours(student["client"], date.today() - timedelta(days=1), "8", "Op bezoek")
    [entry] = cohort.api("get", f"/placements/students/{student['id']}/hours", who="Humanitas").get_json()
    cohort.api("post", f"/hours/{entry['id']}/review", who="Humanitas", json={})
    answer = cohort.api("post", f"/placements/students/{student['id']}/sign-off", who="Humanitas")
    assert answer.status_code == 200, answer.get_json()
    return student["client"]


def test_the_statement_of_a_dutch_student_stays_dutch_when_the_page_is_switched_to_english(cohort):  # noqa: F811
    student = signed_off(cohort, "Sanne Bakker")
    student.get("/student?lang=en")  # English for the page, remembered for the visit
    assert "Stageverklaring" in student.get("/student/verklaring").get_data(as_text=True)
    assert "Statement of placement" not in student.get("/student/verklaring?lang=en").get_data(as_text=True)


def test_the_statement_of_a_student_who_registered_in_english_is_english(cohort):  # noqa: F811
    student = signed_off(cohort, "Amira Hassan", language="en")
    assert "Statement of placement" in student.get("/student/verklaring").get_data(as_text=True)
