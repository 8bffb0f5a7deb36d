"""Recruitment's JSON API, one blueprint per topic. Domain errors become status codes here, in one
place; views only translate HTTP to a use case and back."""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask_smorest import Api
from werkzeug.exceptions import default_exceptions

from services.recruitment.api import alerts, allocations, education, registry, responses, vacancies
from services.recruitment.api.common import PREFIX
from services.recruitment.domain import DomainError, InvalidTransition, NotAllowed
from services.recruitment.usecases.common import Conflict, NotFound, UnknownReference
from services.recruitment.usecases.responses import AlreadyResponded, VacancyNotOpen
from services.recruitment.usecases.students import AlreadyAllocated, RegistrationClosed
from shared.web.errors import error_body
from shared.web.frame import error_page

STATUS_FOR = {
    NotFound: 404,
    NotAllowed: 403,
    InvalidTransition: 409,
    Conflict: 409,
    VacancyNotOpen: 409,
    AlreadyResponded: 409,
    RegistrationClosed: 409,
    AlreadyAllocated: 409,
    UnknownReference: 422,
}


def register_api(app: Flask, api: Api) -> None:
    for module in (registry, vacancies, responses, alerts, education, allocations):
        for blueprint in module.BLUEPRINTS:
            api.register_blueprint(blueprint)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        # By class hierarchy: a refinement (CategoryInUse is a Conflict) answers as its kind.
        code = next((STATUS_FOR[kind] for kind in type(exc).__mro__ if kind in STATUS_FOR), 422)
        if not request.path.startswith(PREFIX):
            # A page: the frame's Dutch error page (abort() cannot be used inside an error handler).
            return error_page(default_exceptions[code]())
        fields = {exc.field: [str(exc)]} if isinstance(exc, UnknownReference) else None
        return jsonify(error_body(code, str(exc), fields)), code
