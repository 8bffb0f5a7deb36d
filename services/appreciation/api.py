"""Appreciation's JSON API: discount partners (passes and events follow)."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.appreciation import services
from services.appreciation.schemas import (
    DiscountPartnerInputSchema,
    DiscountPartnerSchema,
    NetworkQuerySchema,
)
from shared.auth import Role, current_principal, require_role
from shared.web.errors import error_body

PREFIX = "/api/appreciation"

partners = Blueprint(
    "discount_partners",
    __name__,
    url_prefix=f"{PREFIX}/partners",
    description="Discount partners that honour the volunteer pass.",
)


def _db():
    return current_app.extensions["knoop"].db


@partners.route("")
class DiscountPartners(MethodView):
    @partners.arguments(NetworkQuerySchema, location="query")
    @partners.response(200, DiscountPartnerSchema(many=True))
    def get(self, args):
        """A network's discount partners. Anyone may call this."""
        with _db().reader() as session:
            network = services.network_by_slug(session, args["network"])
        with _db().reader(network_id=network.id) as session:
            return services.discount_partners(session)

    @require_role(Role.COORDINATOR)
    @partners.doc(security=[{"apiToken": []}])
    @partners.arguments(DiscountPartnerInputSchema)
    @partners.response(201, DiscountPartnerSchema)
    def post(self, data):
        """Admit a discount partner to your network. The network's coordinator only."""
        network_id = current_principal().network_id
        with _db().transaction(network_id=network_id) as session:
            return services.admit_discount_partner(session, network_id, data)


def register_api(app, api) -> None:
    api.register_blueprint(partners)

    @app.errorhandler(services.NotFound)
    def not_found(exc):
        if request.path.startswith(PREFIX):
            return jsonify(error_body(404, str(exc))), 404
        return exc, 404
