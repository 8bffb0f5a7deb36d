"""API of discount partners: the coordinator admits them (each gets its own API token), changes
their contact, issues, lists and revokes their till tokens, and removes them."""

from __future__ import annotations

from flask.views import MethodView

from services.appreciation.api.common import PREFIX, SECURED, kit, links, unit_of_work
from services.appreciation.api.schemas import (
    DiscountPartnerInputSchema,
    DiscountPartnerSchema,
    NetworkQuerySchema,
    PartnerContactSchema,
    PartnerCreatedSchema,
    TillTokenInputSchema,
    TillTokenIssuedSchema,
    TillTokenSchema,
)
from services.appreciation.usecases import partners as usecases
from shared.identity import Role
from shared.web.api import Blueprint
from shared.web.auth import current_principal, require_role
from shared.web.security import NO_STORE

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
            return {"partner": partner, "token": token}, 201, NO_STORE


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

    @require_role(Role.COORDINATOR)
    @partners.doc(security=SECURED)
    @partners.response(204)
    def delete(self, partner_id):
        """Remove a partner: its current offers end, its till tokens are revoked, its logins are
        refused; its redemptions stay in the figures. Again: no change. Coordinator only."""
        network_id = current_principal().network_id
        with unit_of_work() as session:
            usecases.remove_partner(session, network_id, partner_id)


@partners.route("/<partner_id>/tokens")
class PartnerTokens(MethodView):
    @require_role(Role.COORDINATOR)
    @partners.doc(security=SECURED)
    @partners.response(200, TillTokenSchema(many=True))
    def get(self, partner_id):
        """A partner's till tokens, the newest first, revoked ones too; never the secret.
        Coordinator only."""
        network_id = current_principal().network_id
        with unit_of_work() as session:
            return usecases.partner_tokens(session, network_id, partner_id)

    @require_role(Role.COORDINATOR)
    @partners.doc(security=SECURED)
    @partners.arguments(TillTokenInputSchema)
    @partners.response(201, TillTokenIssuedSchema)
    def post(self, data, partner_id):
        """Issue another till token to a partner (a new till); the token is in this answer only.
        Coordinator only."""
        network_id = current_principal().network_id
        with unit_of_work() as session:
            token, secret = usecases.issue_partner_token(session, network_id, partner_id, data["name"])
            issued = {"id": token.id, "name": token.name, "created_at": token.created_at, "revoked_at": None}
            return {**issued, "token": secret}, 201, NO_STORE


@partners.route("/<partner_id>/tokens/<token_id>")
class PartnerTokenById(MethodView):
    @require_role(Role.COORDINATOR)
    @partners.doc(security=SECURED)
    @partners.response(204)
    def delete(self, partner_id, token_id):
        """Revoke a partner's till token: the till's next redemption is refused (401). Coordinator
        only."""
        network_id = current_principal().network_id
        with unit_of_work() as session:
            usecases.revoke_partner_token(session, network_id, partner_id, token_id)
