"""API of a cohort's allocation and what follows it at the organisation: confirmation, hours and
sign-off. Its routes join the education blueprint, so the OpenAPI document keeps one topic."""

from __future__ import annotations

from flask.views import MethodView

from services.recruitment.api.common import SECURED, links, unit_of_work
from services.recruitment.api.education import MEMBER, education_api
from services.recruitment.api.education_schemas import (
    AdjustInputSchema,
    AllocateInputSchema,
    AllocationReportSchema,
    HoursSchema,
    PublishedSchema,
    ReviewInputSchema,
    StudentSchema,
)
from services.recruitment.usecases import allocations, placed_students, students
from shared.identity import Role
from shared.web.auth import current_principal, require_role

BLUEPRINTS = ()  # the routes below are on education_api, registered with the education module


@education_api.route("/cohorts/<cohort_id>/allocation")
class Allocation(MethodView):
    @require_role(Role.COORDINATOR)
    @education_api.doc(security=SECURED)
    @education_api.arguments(AllocateInputSchema)
    @education_api.response(200, AllocationReportSchema)
    def post(self, data, cohort_id):
        """Propose an allocation (student-proposing deferred acceptance, seeded tie-breaking). Nothing
        is announced until you publish; run again, or adjust by hand, as often as you like."""
        with unit_of_work() as session:
            report = allocations.run(session, current_principal(), cohort_id, data["seed"])
            return {**report.__dict__, "choices": {str(k): v for k, v in report.choices.items()}}


@education_api.route("/cohorts/<cohort_id>/allocation/adjust")
class AllocationAdjust(MethodView):
    @require_role(Role.COORDINATOR)
    @education_api.doc(security=SECURED)
    @education_api.arguments(AdjustInputSchema)
    @education_api.response(200, StudentSchema)
    def post(self, data, cohort_id):
        """Move one student to another placement (or out, with null) before publishing."""
        with unit_of_work() as session:
            return allocations.adjust(
                session, current_principal(), cohort_id, data["student_id"], data["placement_id"]
            )


@education_api.route("/cohorts/<cohort_id>/allocation/publish")
class AllocationPublish(MethodView):
    @require_role(Role.COORDINATOR)
    @education_api.doc(security=SECURED)
    @education_api.response(200, PublishedSchema)
    def post(self, cohort_id):
        """Make the proposal final: students and organisations are told their placement."""
        with unit_of_work() as session:
            return {"assigned": allocations.publish(session, current_principal(), cohort_id, links())}


@education_api.route("/placements/students")
class PlacedStudents(MethodView):
    @require_role(Role.ORGANISATION)
    @education_api.doc(security=SECURED)
    @education_api.response(200, StudentSchema(many=True))
    def get(self):
        """Students assigned to your placements."""
        with unit_of_work() as session:
            return placed_students.students_at(session, current_principal())


def _student_step(rule: str, doc: str, action) -> None:
    """Register POST /placements/students/<id>/<rule>: one step of a placement, by its organisation."""

    def post(self, student_id):
        with unit_of_work() as session:
            return action(session, current_principal(), student_id)

    post.__doc__ = doc
    view = require_role(*MEMBER)(
        education_api.doc(security=SECURED)(education_api.response(200, StudentSchema)(post))
    )
    education_api.route(f"/placements/students/<student_id>/{rule}")(
        type(f"Placement_{rule.replace('-', '_')}", (MethodView,), {"post": view})
    )


_student_step(
    "confirm",
    "Confirm the student's placement with your organisation.",
    lambda s, p, sid: placed_students.confirm(s, p, sid, links()),
)
_student_step(
    "decline",
    "Decline: the student returns to the pool and is never proposed to you again.",
    placed_students.decline,
)
_student_step(
    "sign-off",
    "Sign off: every hours entry reviewed and the cohort's required hours approved.",
    lambda s, p, sid: placed_students.sign_off(s, p, sid, links()),
)


@education_api.route("/placements/students/<student_id>/hours")
class StudentHours(MethodView):
    @require_role(*MEMBER)
    @education_api.doc(security=SECURED)
    @education_api.response(200, HoursSchema(many=True))
    def get(self, student_id):
        """The hours a student at your placement logged, with their review."""
        with unit_of_work() as session:
            placed_students.student_at_own_placement(session, current_principal(), student_id)
            return students.hours_of(session, student_id)


@education_api.route("/hours/<entry_id>/review")
class HoursReview(MethodView):
    @require_role(*MEMBER)
    @education_api.doc(security=SECURED)
    @education_api.arguments(ReviewInputSchema)
    @education_api.response(200, HoursSchema)
    def post(self, data, entry_id):
        """Approve an hours entry as logged, or correct the number with a note."""
        with unit_of_work() as session:
            return placed_students.review_hours(
                session, current_principal(), entry_id, data["hours"], data["note"]
            )
