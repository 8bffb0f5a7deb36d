"""Recruitment's JSON API, one blueprint per topic. Domain errors become status codes here, in one
place; views only translate HTTP to a use case and back."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from services.recruitment.api import alerts, allocations, education, privacy, registry, responses, vacancies
from services.recruitment.api.common import PREFIX
from services.recruitment.domain import DomainError, InvalidTransition, NotAllowed
from services.recruitment.usecases.common import Conflict, NotFound, UnknownReference
from services.recruitment.usecases.privacy_requests import RequestGone
from services.recruitment.usecases.responses import AlreadyResponded, VacancyNotOpen
from services.recruitment.usecases.students import AlreadyAllocated, RegistrationClosed
from shared.web.errors import install_domain_errors

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
    RequestGone: 410,
}


def register_api(app: Flask, api: Api) -> None:
    for module in (registry, vacancies, responses, alerts, education, allocations, privacy):
        for blueprint in module.BLUEPRINTS:
            api.register_blueprint(blueprint)

    # By class hierarchy: a refinement (CategoryInUse is a Conflict) answers as its kind; on pages
    # the frame's Dutch error page.
    install_domain_errors(app, PREFIX, STATUS_FOR, catch=(DomainError,))
