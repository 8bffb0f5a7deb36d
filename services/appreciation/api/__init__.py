"""Appreciation's JSON API, one blueprint per topic; domain errors become status codes here."""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask_smorest import Api
from werkzeug.exceptions import default_exceptions

from services.appreciation.api import gatherings, partners, passes, redemption
from services.appreciation.api.common import PREFIX
from services.appreciation.domain import DomainError, InvalidTransition, NotAllowed, TokenRevoked
from services.appreciation.services import NotFound
from shared.web.errors import error_body

STATUS_FOR = {NotFound: 404, NotAllowed: 403, InvalidTransition: 409, TokenRevoked: 401}


def register_api(app: Flask, api: Api) -> None:
    for module in (partners, passes, redemption, gatherings):
        for blueprint in module.BLUEPRINTS:
            api.register_blueprint(blueprint)

    @app.errorhandler(NotFound)
    @app.errorhandler(DomainError)
    def domain_error(exc: Exception):
        code = next((c for kind, c in STATUS_FOR.items() if isinstance(exc, kind)), 422)
        if not request.path.startswith(PREFIX):
            # A page: the plain HTTP error page (abort() cannot be used inside an error handler).
            return default_exceptions[code]().get_response()
        field = getattr(exc, "field", None)
        return jsonify(error_body(code, str(exc), {field: [str(exc)]} if field else None)), code
