"""API of a person's data requests for the coordinator and integrations (the person asks in pages)."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.recruitment.api.common import PREFIX, SECURED, reader, unit_of_work
from services.recruitment.api.privacy_schemas import PrivacyRequestInputSchema, PrivacyRequestSchema
from services.recruitment.usecases import privacy_requests
from shared.db import utcnow
from shared.identity import Role
from shared.web.api import Blueprint
from shared.web.auth import current_principal, require_role

privacy = Blueprint(
    "privacy",
    __name__,
    url_prefix=f"{PREFIX}/privacy-requests",
    description="People's requests to see (AVG art. 15) or erase (art. 17) their data, across the services.",
)
BLUEPRINTS = (privacy,)


@privacy.route("")
class PrivacyRequests(MethodView):
    @require_role(Role.COORDINATOR)
    @privacy.doc(security=SECURED)
    @privacy.response(200, PrivacyRequestSchema(many=True))
    def get(self):
        """The network's requests, newest first, with the services that have answered."""
        with reader() as session:
            return privacy_requests.requests_of_network(session, current_principal())

    @require_role(Role.COORDINATOR)
    @privacy.doc(security=SECURED)
    @privacy.arguments(PrivacyRequestInputSchema)
    @privacy.response(201, PrivacyRequestSchema)
    def post(self, data):
        """A request on someone's behalf (asked by phone, letter or at the desk, identity checked by
        you): it runs at once, without a confirmation mail. An access request's download link goes
        to the address."""
        secret = current_app.extensions["knoop"].settings.secret_key
        with unit_of_work() as session:
            return privacy_requests.ask_on_behalf(
                session, current_principal(), data["email"], data["kind"], data["language"], secret, utcnow()
            )
