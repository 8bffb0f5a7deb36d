"""Domain errors as HTTP answers, by class hierarchy: the nearest class in an error's MRO decides."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import default_exceptions

from services.appreciation.api.common import PREFIX
from services.appreciation.domain.errors import (
    DomainError,
    InvalidTransition,
    NotAllowed,
    NotFound,
    TokenRevoked,
)
from shared.web.errors import error_body

STATUS_FOR: dict[type[DomainError], int] = {
    NotFound: 404,
    NotAllowed: 403,
    InvalidTransition: 409,
    TokenRevoked: 401,
    DomainError: 422,
}


def status_for(error: DomainError) -> int:
    """The status of the nearest class of `error` (itself first, then its bases) that has one."""
    return next(STATUS_FOR[kind] for kind in type(error).__mro__ if kind in STATUS_FOR)


def register_errors(app: Flask) -> None:
    """Every DomainError raised under the app becomes its status: JSON under the API's prefix, the
    plain HTTP error page elsewhere."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        code = status_for(error)
        if not request.path.startswith(PREFIX):
            # A page: the plain HTTP error page (abort() cannot be used inside an error handler).
            return default_exceptions[code]().get_response()
        field = getattr(error, "field", None)
        return jsonify(error_body(code, str(error), {field: [str(error)]} if field else None)), code
