"""flask-smorest set-up for a service: its OpenAPI document at /api/<service>/openapi.json."""

from __future__ import annotations

import flask
import flask_smorest
from apispec.ext.marshmallow import MarshmallowPlugin, resolver
from flask import Flask, Request
from flask_smorest import Api
from marshmallow import Schema, ValidationError, missing
from swagger_ui_bundle import swagger_ui_path
from webargs.flaskparser import FlaskParser
from werkzeug.routing import BaseConverter

from shared.web.bodies import json_body
from shared.web.errors import install_error_handlers
from shared.web.schemas import text_pattern

BODY_REQUIRED = "Send a JSON object as the body (Content-Type: application/json)."


class BodyRequiredParser(FlaskParser):
    """webargs reads a missing body, or one not sent as JSON, as {}: a PATCH of nothing at all
    would then succeed. Every body our API takes is required (its document says so), so here that
    is an error, answered like any other invalid body (422)."""

    def _raw_load_json(self, req: Request) -> object:
        # The body was parsed (strictly) before the view ran; read that parse, not a second one.
        parsed = json_body(missing)
        return super()._raw_load_json(req) if parsed is missing else parsed

    def load_json(self, req: Request, schema: Schema) -> object:
        data = super().load_json(req, schema)
        if data is missing:
            raise ValidationError({"_schema": [BODY_REQUIRED]})
        return data


class IdConverter(BaseConverter):
    """A record's id (a UUID as text) in a path, `<id:vacancy_id>`: then `/vacancies/mine` is no
    vacancy, and its OPTIONS and 405 answers name only the methods it has."""

    regex = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint whose JSON body is required, as documented."""

    ARGUMENTS_PARSER = BodyRequiredParser()


def schema_name(schema) -> str | None:
    """Components are named after their class; a trimmed or partial variant is written inline."""
    instance = schema() if isinstance(schema, type) else schema
    if instance.only or instance.exclude or instance.partial:
        return None
    return resolver(type(instance))


def control_characters(converter, field, ret: dict, **_) -> dict:
    """apispec attribute function: a text field's document says which characters BaseSchema
    refuses (a field with a pattern of its own already says more)."""
    pattern = text_pattern(field)
    return {"pattern": pattern} if pattern and "pattern" not in ret else {}


def api_prefix(service: str) -> str:
    return f"/api/{service}"


def make_api(app: Flask, service: str, title: str, description: str) -> Api:
    """An Api whose document, docs page and error format are the same in every service."""
    prefix = api_prefix(service)
    app.config.update(
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=prefix,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=f"{prefix}/docs-assets/",
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "components": {
                "securitySchemes": {
                    "apiToken": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A Knoop API token (knp_…)",
                    }
                }
            },
        },
    )
    plugin = MarshmallowPlugin(schema_name_resolver=schema_name)
    # The docs page's script and styles come from our own files: an intranet may have no internet.
    app.register_blueprint(
        flask.Blueprint(
            "swagger_ui", __name__, static_folder=swagger_ui_path, static_url_path=f"{prefix}/docs-assets"
        )
    )
    api = Api(app, spec_kwargs={"marshmallow_plugin": plugin})
    plugin.converter.add_attribute_function(control_characters)
    app.url_map.converters["id"] = IdConverter
    api.register_converter(IdConverter, lambda _: {"type": "string", "format": "uuid"})
    install_error_handlers(app, prefix)
    return api
