"""API of student placements: education partners, cohorts and their registration links, placements,
CSV pre-registration and the partner's export (allocation and what follows it: `allocations`)."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from services.recruitment import domain
from services.recruitment.api.common import PREFIX, SECURED, kit, links, unit_of_work
from services.recruitment.api.education_schemas import (
    STUDENT_COLUMNS,
    CohortInputSchema,
    CohortPatchSchema,
    CohortSchema,
    ImportReportSchema,
    InvitedSchema,
    InviteInputSchema,
    MeetSessionInputSchema,
    MeetSessionSchema,
    PartnerCreatedSchema,
    PartnerInputSchema,
    PartnerSchema,
    PlacementInputSchema,
    PlacementPatchSchema,
    PlacementSchema,
    RegistrationInputSchema,
    RegistrationReceiptSchema,
    RegistrationStateSchema,
    StudentFilterSchema,
    StudentProgressSchema,
    StudentSchema,
)
from services.recruitment.usecases import allocations, cohort_admin, education, students
from shared.db import utcnow
from shared.identity import Role
from shared.web.api import Blueprint
from shared.web.auth import current_principal, require_role
from shared.web.spreadsheet import csv_documented, csv_response

education_api = Blueprint(
    "education",
    __name__,
    url_prefix=PREFIX,
    description="Education partners, cohorts, student registration, allocation, hours and sign-off.",
)
BLUEPRINTS = (education_api,)
PARTNER = (Role.COORDINATOR, Role.EDUCATION_PARTNER)
MEMBER = (Role.ORGANISATION, Role.COORDINATOR)


def cohort_out(cohort) -> dict:
    """A cohort as its partner and the coordinator see it, with the link to hand to students."""
    return {
        **{c: getattr(cohort, c) for c in CohortSchema().fields if hasattr(cohort, c)},
        "registration_open": domain.registration_closed_reason(cohort, utcnow()) is None,
        "registration_url": links().registration_page(cohort.registration_token),
    }


@education_api.route("/education-partners/<partner_id>")
class PartnerById(MethodView):
    @require_role(Role.COORDINATOR)
    @education_api.doc(security=SECURED)
    @education_api.arguments(PartnerInputSchema(partial=True))
    @education_api.response(200, PartnerSchema)
    def patch(self, changes, partner_id):
        """Change a partner's contact or agreement period (end it by its end date). The coordinator."""
        with unit_of_work() as session:
            return education.update_partner(session, partner_id, changes)


@education_api.route("/education-partners")
class Partners(MethodView):
    @require_role(Role.COORDINATOR)
    @education_api.doc(security=SECURED)
    @education_api.response(200, PartnerSchema(many=True))
    def get(self):
        """The network's education partners. The coordinator only."""
        with unit_of_work() as session:
            return education.partners(session)

    @require_role(Role.COORDINATOR)
    @education_api.doc(security=SECURED)
    @education_api.arguments(PartnerInputSchema)
    @education_api.response(201, PartnerCreatedSchema)
    def post(self, data):
        """Record an agreement with a study programme; returns the partner's API token (once)."""
        with unit_of_work() as session:
            created = education.add_partner(session, current_principal().network_id, data)
            return {"partner": created.record, "token": created.token}


@education_api.route("/cohorts")
class Cohorts(MethodView):
    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.response(200, CohortSchema(many=True))
    def get(self):
        """Cohorts: a partner sees its own, the coordinator all of the network's."""
        with unit_of_work() as session:
            return [cohort_out(c) for c in education.cohorts(session, current_principal())]

    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.arguments(CohortInputSchema)
    @education_api.response(201, CohortSchema)
    def post(self, data):
        """Open a cohort with a registration window; it gets an unguessable link and a short code."""
        with unit_of_work() as session:
            return cohort_out(education.create_cohort(session, current_principal(), data))


@education_api.route("/cohorts/<cohort_id>")
class CohortById(MethodView):
    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.response(200, CohortSchema)
    def get(self, cohort_id):
        with unit_of_work() as session:
            return cohort_out(education.cohort_for(session, current_principal(), cohort_id))

    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.arguments(CohortPatchSchema(partial=True))
    @education_api.response(200, CohortSchema)
    def patch(self, changes, cohort_id):
        """Change the cohort's name, kind, hours, choices or registration window (link stays)."""
        with unit_of_work() as session:
            return cohort_out(cohort_admin.update_cohort(session, current_principal(), cohort_id, changes))


@education_api.route("/cohorts/<cohort_id>/link")
class CohortLink(MethodView):
    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.response(200, CohortSchema)
    def post(self, cohort_id):
        """Rotate the registration link and code: the old ones stop working at once."""
        with unit_of_work() as session:
            return cohort_out(education.rotate_link(session, current_principal(), cohort_id))


@education_api.route("/cohorts/<cohort_id>/registration")
class CohortRegistration(MethodView):
    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.arguments(RegistrationStateSchema)
    @education_api.response(200, CohortSchema)
    def put(self, data, cohort_id):
        """Close registration early (or open it again within its window)."""
        with unit_of_work() as session:
            cohort = education.set_registration(session, current_principal(), cohort_id, data["open"])
            return cohort_out(cohort)


@education_api.route("/cohorts/<cohort_id>/placements")
class CohortPlacements(MethodView):
    @require_role(*PARTNER, Role.ORGANISATION)
    @education_api.doc(security=SECURED)
    @education_api.response(200, PlacementSchema(many=True))
    def get(self, cohort_id):
        with unit_of_work() as session:
            education.cohort_for(session, current_principal(), cohort_id)
            return education.placements_of_cohort(session, cohort_id)

    @require_role(*MEMBER)
    @education_api.doc(security=SECURED)
    @education_api.arguments(PlacementInputSchema)
    @education_api.response(201, PlacementSchema)
    def post(self, data, cohort_id):
        """Offer a placement to the cohort's students (organisations for themselves)."""
        with unit_of_work() as session:
            return education.offer_placement(session, current_principal(), cohort_id, data)


@education_api.route("/placements/<id:placement_id>")
class PlacementById(MethodView):
    @require_role(*MEMBER)
    @education_api.doc(security=SECURED)
    @education_api.arguments(PlacementPatchSchema(partial=True))
    @education_api.response(200, PlacementSchema)
    def patch(self, changes, placement_id):
        """Change your placement; the capacity cannot drop below the students already holding it."""
        with unit_of_work() as session:
            return education.update_placement(session, current_principal(), placement_id, changes)


@education_api.route("/cohorts/<cohort_id>/meet-sessions")
class MeetSessions(MethodView):
    @require_role(*PARTNER, Role.ORGANISATION)
    @education_api.doc(security=SECURED)
    @education_api.response(200, MeetSessionSchema(many=True))
    def get(self, cohort_id):
        with unit_of_work() as session:
            education.cohort_for(session, current_principal(), cohort_id)
            return education.meet_sessions(session, cohort_id)

    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.arguments(MeetSessionInputSchema)
    @education_api.response(201, MeetSessionSchema)
    def post(self, data, cohort_id):
        """Add a meet-and-greet time slot; students sign up for it on their page."""
        with unit_of_work() as session:
            return education.add_meet_session(session, current_principal(), cohort_id, data)


@education_api.route("/meet-sessions/<meet_id>")
class MeetSessionById(MethodView):
    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.arguments(MeetSessionInputSchema(partial=True))
    @education_api.response(200, MeetSessionSchema)
    def patch(self, changes, meet_id):
        """Change a slot's time, place or seats (not below the seats taken)."""
        with unit_of_work() as session:
            return cohort_admin.update_meet_session(session, current_principal(), meet_id, changes)

    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.response(204)
    def delete(self, meet_id):
        """Cancel the slot; every student signed up is told by e-mail."""
        with unit_of_work() as session:
            cohort_admin.cancel_meet_session(session, current_principal(), meet_id, links())


@education_api.route("/cohorts/<cohort_id>/students/invitations")
class CohortInvitations(MethodView):
    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.arguments(InviteInputSchema)
    @education_api.response(200, InvitedSchema)
    def post(self, data, cohort_id):
        """Send unconfirmed students (one, or all) their personal link again."""
        with unit_of_work() as session:
            sent = cohort_admin.invite(session, current_principal(), cohort_id, links(), data["student_id"])
            return {"sent": sent}


@education_api.route("/registration/<link>")
class Registration(MethodView):
    @education_api.arguments(RegistrationInputSchema)
    @education_api.response(201, RegistrationReceiptSchema)
    def post(self, data, link):
        """Register through a cohort's link or short code. Anyone with the link may call this; the
        student confirms their address through the e-mail that follows."""
        data.pop("consent")
        with kit().db.transaction() as session:
            cohort = education.cohort_by_link(session, link)
        with kit().db.transaction(network_id=cohort.network_id) as session:
            cohort = education.cohort_by_link(session, link)
            students.register(session, cohort, data, links())
        # The same answer whether the address was registered before or not.
        return {"message": "Check your e-mail to confirm your address."}


@education_api.route("/cohorts/<cohort_id>/students")
class CohortStudents(MethodView):
    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.response(200, StudentSchema(many=True))
    def get(self, cohort_id):
        """The cohort's students with the allocation's proposal and their status."""
        with unit_of_work() as session:
            education.cohort_for(session, current_principal(), cohort_id)
            return allocations.proposal(session, cohort_id)


@education_api.route("/cohorts/<cohort_id>/students/import")
class CohortImport(MethodView):
    @require_role(*PARTNER)
    @education_api.doc(
        security=SECURED,
        requestBody={"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True},
    )
    @education_api.response(200, ImportReportSchema)
    def post(self, cohort_id):
        """Pre-register students from CSV (columns name, email, student_number; optional phone,
        language). Each row is reported; importing the same file again changes nothing. Each
        newly imported student gets an e-mail with their personal link to confirm and rank placements."""
        try:
            text = request.get_data().decode("utf-8-sig")  # Excel writes a byte-order mark
        except UnicodeDecodeError:
            raise students.BadCsv("save the file as CSV in UTF-8 and try again") from None
        _, rows = students.read_rows(text)
        with unit_of_work() as session:
            report = cohort_admin.import_and_invite(session, current_principal(), cohort_id, rows, links())
        return {"summary": report.summary, "rows": report.rows}


@education_api.route("/students")
class PartnerStudents(MethodView):
    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.arguments(StudentFilterSchema, location="query")
    @education_api.response(200, StudentProgressSchema(many=True))
    def get(self, args):
        """Your students' progress: status, placement, hours. A partner sees only its own students."""
        with unit_of_work() as session:
            return education.export_students(
                session, current_principal(), args.get("cohort"), "students.list"
            )


@education_api.route("/students.csv")
class PartnerStudentsCsv(MethodView):
    @require_role(*PARTNER)
    @education_api.doc(security=SECURED)
    @education_api.arguments(StudentFilterSchema, location="query")
    @education_api.response(200, **csv_documented(STUDENT_COLUMNS))
    def get(self, args):
        """The same as a CSV file for study credits (`;` separated, UTF-8 with BOM for Excel)."""
        with unit_of_work() as session:
            rows = StudentProgressSchema(many=True).dump(
                education.export_students(session, current_principal(), args.get("cohort"))
            )
        return csv_response(rows, "studenten.csv", STUDENT_COLUMNS)
