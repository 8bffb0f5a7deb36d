"""Appreciation's JSON API, one blueprint per topic. Domain errors become status codes here, in one
place; views only translate HTTP to a use case and back."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from services.appreciation.api import gatherings, partners, passes, redemption
from services.appreciation.api.common import PREFIX
from services.appreciation.domain.errors import (
    DomainError,
    InvalidTransition,
    NotAllowed,
    NotFound,
    TokenRevoked,
)
from shared.web.errors import install_domain_errors

STATUS_FOR = {
    NotFound: 404,
    NotAllowed: 403,
    InvalidTransition: 409,
    TokenRevoked: 401,
}


def register_api(app: Flask, api: Api) -> None:
    """The API's blueprints, and its answers to domain errors."""
    for module in (partners, passes, redemption, gatherings):
        for blueprint in module.BLUEPRINTS:
            api.register_blueprint(blueprint)
    # By class hierarchy (GatheringClosed, an InvalidTransition, is a 409), any other DomainError a
    # 422; on pages the frame's Dutch error page, as for every other error there.
    install_domain_errors(app, PREFIX, STATUS_FOR, catch=(DomainError,))
