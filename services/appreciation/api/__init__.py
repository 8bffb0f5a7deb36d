"""Appreciation's JSON API, one blueprint per topic; domain errors become status codes in errors.py."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from services.appreciation.api import gatherings, partners, passes, redemption
from services.appreciation.api.errors import register_errors


def register_api(app: Flask, api: Api) -> None:
    """The API's blueprints, and its answers to domain errors."""
    for module in (partners, passes, redemption, gatherings):
        for blueprint in module.BLUEPRINTS:
            api.register_blueprint(blueprint)
    register_errors(app)
