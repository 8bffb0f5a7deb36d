"""API of discount partners: the coordinator admits them (each gets its own API token)."""

from __future__ import annotations

from flask.views import MethodView

from services.appreciation.api.common import PREFIX, SECURED, kit, links, unit_of_work
from services.appreciation.api.schemas import (
    DiscountPartnerInputSchema,
    DiscountPartnerSchema,
    NetworkQuerySchema,
    PartnerContactSchema,
    PartnerCreatedSchema,
)
from services.appreciation.usecases import partners as usecases
from shared.identity import Role
from shared.web.api import Blueprint
from shared.web.auth import current_principal, require_role

partners = Blueprint(
    "discount_partners",
    __name__,
    url_prefix=f"{PREFIX}/partners",
    description="Discount partners that honour the volunteer pass.",
)
BLUEPRINTS = (partners,)


@partners.route("")
class DiscountPartners(MethodView):
    @partners.arguments(NetworkQuerySchema, location="query")
    @partners.response(200, DiscountPartnerSchema(many=True))
    def get(self, args):
        """A network's discount partners. Anyone may call this."""
        with kit().db.reader() as session:
            network = usecases.network_by_slug(session, args["network"])
        with kit().db.reader(network_id=network.id) as session:
            return usecases.discount_partners(session)

    @require_role(Role.COORDINATOR)
    @partners.doc(security=SECURED)
    @partners.arguments(DiscountPartnerInputSchema)
    @partners.response(201, PartnerCreatedSchema)
    def post(self, data):
        """Admit a discount partner to your network; returns its API token (once). Coordinator only."""
        network_id = current_principal().network_id
        with unit_of_work() as session:
            partner, token = usecases.admit_discount_partner(session, network_id, data, links())
            return {"partner": partner, "token": token}


@partners.route("/<partner_id>")
class DiscountPartnerById(MethodView):
    @require_role(Role.COORDINATOR)
    @partners.doc(security=SECURED)
    @partners.arguments(PartnerContactSchema(partial=True))
    @partners.response(200, DiscountPartnerSchema)
    def patch(self, changes, partner_id):
        """Change a partner's name or contact (where its login links go). Coordinator only."""
        network_id = current_principal().network_id
        with unit_of_work() as session:
            return usecases.update_partner(session, network_id, partner_id, changes)
