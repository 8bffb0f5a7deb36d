"""Recruitment's JSON API: HTTP in, use case, HTTP out. Domain errors become status codes here."""

from __future__ import annotations

from contextlib import contextmanager

from flask import current_app, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.recruitment import services
from services.recruitment.domain import DomainError, InvalidTransition, NotAllowed
from services.recruitment.schemas import (
    NetworkCreatedSchema,
    NetworkCreateSchema,
    NetworkSchema,
    OrganisationCreatedSchema,
    OrganisationCreateSchema,
    OrganisationSchema,
    VacancyInputSchema,
    VacancyPatchSchema,
    VacancyQuerySchema,
    VacancySchema,
)
from shared.auth import Role, current_principal, require_role
from shared.web.errors import error_body

PREFIX = "/api/recruitment"
SECURED = [{"apiToken": []}]
STATUS_FOR = {
    services.NotFound: 404,
    NotAllowed: 403,
    InvalidTransition: 409,
    services.Conflict: 409,
}

networks = Blueprint(
    "networks",
    __name__,
    url_prefix=f"{PREFIX}/networks",
    description="Local networks (tenants) and their coordinators.",
)
organisations = Blueprint(
    "organisations",
    __name__,
    url_prefix=f"{PREFIX}/organisations",
    description="Member organisations of a network.",
)
vacancies = Blueprint(
    "vacancies",
    __name__,
    url_prefix=f"{PREFIX}/vacancies",
    description="Joint vacancies and the public vacancy bank.",
)


def kit():
    return current_app.extensions["knoop"]


@contextmanager
def unit_of_work():
    """A transaction scoped to the caller's network."""
    principal = current_principal()
    with kit().db.transaction(network_id=principal.network_id if principal else None) as session:
        yield session


@networks.route("")
class Networks(MethodView):
    @networks.response(200, NetworkSchema(many=True))
    def get(self):
        """List networks. Anyone may call this."""
        with kit().db.reader() as session:
            return services.networks(session)

    @require_role(Role.PLATFORM)
    @networks.doc(security=SECURED)
    @networks.arguments(NetworkCreateSchema)
    @networks.response(201, NetworkCreatedSchema)
    def post(self, data):
        """Open a network and get its coordinator token. Platform operators only."""
        with unit_of_work() as session:
            created = services.create_network(session, **data)
        return {"network": created.record, "coordinator_token": created.token}


@organisations.route("")
class Organisations(MethodView):
    @organisations.arguments(VacancyQuerySchema(only=("network",)), location="query")
    @organisations.response(200, OrganisationSchema(many=True))
    def get(self, args):
        """List a network's member organisations. Anyone may call this."""
        with kit().db.reader() as session:
            network = services.network_by_slug(session, args["network"])
        with kit().db.reader(network_id=network.id) as session:
            return services.organisations(session)

    @require_role(Role.COORDINATOR)
    @organisations.doc(security=SECURED)
    @organisations.arguments(OrganisationCreateSchema)
    @organisations.response(201, OrganisationCreatedSchema)
    def post(self, data):
        """Admit a member organisation and get its API token. The network's coordinator only."""
        with unit_of_work() as session:
            created = services.admit_organisation(session, current_principal().network_id, data)
        return {"organisation": created.record, "token": created.token}


@vacancies.route("")
class Vacancies(MethodView):
    @vacancies.arguments(VacancyQuerySchema, location="query")
    @vacancies.response(200, VacancySchema(many=True))
    def get(self, args):
        """The network's published vacancies, newest first. Anyone may call this."""
        with kit().db.reader() as session:
            network = services.network_by_slug(session, args["network"])
        offset = (args["page"] - 1) * args["per_page"]
        with kit().db.reader(network_id=network.id) as session:
            return services.published_vacancies(session, args["per_page"], offset)

    @require_role(Role.ORGANISATION)
    @vacancies.doc(security=SECURED)
    @vacancies.arguments(VacancyInputSchema)
    @vacancies.response(201, VacancySchema)
    def post(self, data):
        """Draft a vacancy for your own organisation. Organisation tokens only."""
        with unit_of_work() as session:
            return services.draft_vacancy(session, current_principal(), data)


@vacancies.route("/<vacancy_id>")
class VacancyById(MethodView):
    @vacancies.response(200, VacancySchema)
    def get(self, vacancy_id):
        """One vacancy: published ones for anyone, drafts for their own organisation."""
        principal = current_principal()
        with kit().db.reader(network_id=principal.network_id if principal else None) as session:
            vacancy = services.get_vacancy(session, vacancy_id)
            if vacancy.status == "draft" and not (
                principal and services.domain.may_edit_vacancy(principal, vacancy)
            ):
                raise services.NotFound("no such vacancy")
            return vacancy

    @require_role(Role.ORGANISATION, Role.COORDINATOR)
    @vacancies.doc(security=SECURED)
    @vacancies.arguments(VacancyPatchSchema(partial=True))
    @vacancies.response(200, VacancySchema)
    def patch(self, changes, vacancy_id):
        """Change a draft. Its own organisation or the coordinator only."""
        with unit_of_work() as session:
            return services.edit_vacancy(session, current_principal(), vacancy_id, changes)


@vacancies.route("/<vacancy_id>/publish")
class PublishVacancy(MethodView):
    @require_role(Role.ORGANISATION, Role.COORDINATOR)
    @vacancies.doc(security=SECURED)
    @vacancies.response(200, VacancySchema)
    def post(self, vacancy_id):
        """Publish a draft in the vacancy bank. Its own organisation or the coordinator only."""
        with unit_of_work() as session:
            return services.publish_vacancy(
                session, current_principal(), vacancy_id, kit().settings.public_base_url
            )


tokens = Blueprint(
    "tokens",
    __name__,
    url_prefix=f"{PREFIX}/tokens",
    description="API tokens: stored hashed, scoped, revocable.",
)


@tokens.route("/<token_id>/revoke")
class RevokeToken(MethodView):
    @require_role(Role.COORDINATOR, Role.PLATFORM)
    @tokens.doc(security=SECURED)
    @tokens.response(204)
    def post(self, token_id):
        """Revoke a token at once, in every service. The network's coordinator only."""
        with unit_of_work() as session:
            services.revoke_token(session, current_principal(), token_id)


def register_api(app, api) -> None:
    for blueprint in (networks, organisations, vacancies, tokens):
        api.register_blueprint(blueprint)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        code = STATUS_FOR.get(type(exc), 422)
        if not request.path.startswith(PREFIX):
            abort(code)
        return jsonify(error_body(code, str(exc))), code
