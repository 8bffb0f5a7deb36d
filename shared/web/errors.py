"""One JSON error format for every API: {"code", "message", "errors": {field: [messages]}}."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Flask, jsonify, request
from sqlalchemy.exc import IntegrityError, StatementError
from werkzeug.exceptions import Conflict, HTTPException, UnprocessableEntity, default_exceptions

from shared.db import DateOutOfRange
from shared.web.frame import error_page


def _field_errors(exc: HTTPException) -> dict:
    """flask-smorest nests webargs errors by location ({"json": {...}}); people want fields."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or data.get("errors") or {}
    flat: dict = {}
    for location, errors in messages.items():
        if isinstance(errors, dict) and location in ("json", "query", "form", "headers", "files"):
            flat.update(errors)
        else:
            flat[location] = errors
    return flat


def error_body(code: int, message: str, errors: dict | None = None) -> dict:
    return {"code": code, "message": message, "errors": errors or {}}


def _headers(exc: HTTPException) -> list[tuple[str, str]]:
    """The exception's own headers (Allow on a 405, WWW-Authenticate, Retry-After, those given to
    abort) without its Content-Type: the body is JSON now."""
    own = [(name, value) for name, value in exc.get_headers() if name.lower() != "content-type"]
    given = (getattr(exc, "data", None) or {}).get("headers") or {}
    return own + list(given.items())


def install_error_handlers(app: Flask, api_prefix: str) -> None:
    """API paths answer errors as JSON; pages answer with the frame's Dutch error pages."""

    @app.errorhandler(IntegrityError)
    def handle_integrity(exc: IntegrityError):
        # Two requests raced for the same unique value; the loser is told, nothing is half-written.
        if not request.path.startswith(api_prefix):
            return error_page(Conflict())
        return jsonify(error_body(409, "This conflicts with an existing record.")), 409

    @app.errorhandler(StatementError)
    def handle_out_of_range(exc: StatementError):
        # The database layer refused a value before sending it (SQLAlchemy wraps what a column
        # type raises): a moment out of range is the caller's, any other failure stays a 500.
        if not isinstance(exc.orig, DateOutOfRange):
            raise exc
        if not request.path.startswith(api_prefix):
            return error_page(UnprocessableEntity())
        return jsonify(error_body(422, "A date or time is out of range.")), 422

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        if not request.path.startswith(api_prefix):
            return error_page(exc)
        message = (getattr(exc, "data", None) or {}).get("message") or exc.description
        if exc.code == 422 and not (getattr(exc, "data", None) or {}).get("message"):
            message = "The input is not valid."
        body = error_body(exc.code or 500, message, _field_errors(exc))
        return jsonify(body), exc.code, _headers(exc)


# A service's table from its domain errors to HTTP statuses; a subclass answers as its nearest
# listed ancestor (CategoryInUse, a Conflict, is a 409), anything else unlisted as 422.
StatusTable = Mapping[type[Exception], int]


def status_for(exc: Exception, table: StatusTable, default: int = 422) -> int:
    """The status of `exc`: the entry of the nearest class in its hierarchy (its MRO) in `table`."""
    return next((table[kind] for kind in type(exc).__mro__ if kind in table), default)


def install_domain_errors(
    app: Flask,
    api_prefix: str,
    table: StatusTable,
    *,
    catch: tuple[type[Exception], ...],
    page: Callable[[HTTPException], object] = error_page,
) -> None:
    """Answer the domain errors `catch` by `table`: JSON on API paths (an error that names a
    `field` puts its message there), on pages `page` with the status's HTTP error."""

    def domain_error(exc: Exception):
        code = status_for(exc, table)
        if not request.path.startswith(api_prefix):
            return page(default_exceptions[code]())  # abort() cannot be used inside an error handler
        field = getattr(exc, "field", None)
        return jsonify(error_body(code, str(exc), {field: [str(exc)]} if field else None)), code

    for kind in catch:
        app.register_error_handler(kind, domain_error)
