"""API of responses: volunteers respond; publishers follow up; the coordinator sees response times."""

from __future__ import annotations

from flask.views import MethodView

from services.recruitment.api.common import PREFIX, SECURED, kit, links, unit_of_work
from services.recruitment.api.schemas import (
    ResponseInputSchema,
    ResponseReceiptSchema,
    ResponseSchema,
    ResponseStatusSchema,
    ResponseTimesSchema,
)
from services.recruitment.usecases import responses as usecases
from shared.identity import Role
from shared.web.api import Blueprint
from shared.web.auth import current_principal, require_role

responses = Blueprint(
    "responses",
    __name__,
    url_prefix=PREFIX,
    description="Responses to vacancies (warm referral to every co-publisher).",
)
BLUEPRINTS = (responses,)


@responses.route("/vacancies/<id:vacancy_id>/responses")
class RespondToVacancy(MethodView):
    @responses.arguments(ResponseInputSchema)
    @responses.response(201, ResponseReceiptSchema)
    def post(self, data, vacancy_id):
        """Respond to a published vacancy (consent required). Anyone may call this."""
        with kit().db.transaction() as session:
            return usecases.respond(session, vacancy_id, data, links())


@responses.route("/responses")
class MemberResponses(MethodView):
    @require_role(Role.ORGANISATION)
    @responses.doc(security=SECURED)
    @responses.response(200, ResponseSchema(many=True))
    def get(self):
        """Responses to the vacancies you publish or co-publish, newest first. Organisations only."""
        with unit_of_work() as session:
            return usecases.export_responses(session, current_principal())


@responses.route("/responses/<response_id>")
class ResponseById(MethodView):
    @require_role(Role.ORGANISATION)
    @responses.doc(security=SECURED)
    @responses.arguments(ResponseStatusSchema)
    @responses.response(200, ResponseSchema)
    def patch(self, data, response_id):
        """Move a response on: contacted, started or declined, with an optional note. Its vacancy's
        publishers only."""
        with unit_of_work() as session:
            return usecases.set_status(
                session, current_principal(), response_id, data["status"], data["note"]
            )


@responses.route("/figures/response-times")
class ResponseTimes(MethodView):
    @require_role(Role.COORDINATOR)
    @responses.doc(security=SECURED)
    @responses.response(200, ResponseTimesSchema(many=True))
    def get(self):
        """Per member: responses, how many were acted on, median hours to act, matches. Coordinator."""
        with unit_of_work() as session:
            return usecases.response_times(session)
