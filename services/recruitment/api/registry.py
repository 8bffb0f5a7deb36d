"""API of the network registry: networks, categories, member organisations, tokens."""

from __future__ import annotations

from flask.views import MethodView

from services.recruitment.api.common import PREFIX, SECURED, kit, network_reader, unit_of_work
from services.recruitment.api.schemas import (
    CategoryNameSchema,
    CategorySchema,
    NetworkArgsSchema,
    NetworkCreatedSchema,
    NetworkCreateSchema,
    NetworkSchema,
    NetworkSettingsSchema,
    OrganisationCreatedSchema,
    OrganisationCreateSchema,
    OrganisationPatchSchema,
    OrganisationSchema,
    TokenHolderSchema,
    TokenIssuedSchema,
    TokenIssueSchema,
    TokenSchema,
)
from services.recruitment.usecases import access, registry
from shared.identity import Role
from shared.web.api import Blueprint
from shared.web.auth import current_principal, require_role

networks = Blueprint(
    "networks",
    __name__,
    url_prefix=f"{PREFIX}/networks",
    description="Local networks (tenants) and their coordinators.",
)
categories = Blueprint(
    "categories",
    __name__,
    url_prefix=f"{PREFIX}/categories",
    description="The activity categories a network recognises.",
)
organisations = Blueprint(
    "organisations",
    __name__,
    url_prefix=f"{PREFIX}/organisations",
    description="Member organisations of a network.",
)
tokens = Blueprint(
    "tokens",
    __name__,
    url_prefix=f"{PREFIX}/tokens",
    description="API tokens: stored hashed, scoped, revocable.",
)
BLUEPRINTS = (networks, categories, organisations, tokens)


@networks.route("")
class Networks(MethodView):
    @networks.response(200, NetworkSchema(many=True))
    def get(self):
        """List networks. Anyone may call this."""
        with kit().db.reader() as session:
            return registry.networks(session)

    @require_role(Role.PLATFORM)
    @networks.doc(security=SECURED)
    @networks.arguments(NetworkCreateSchema)
    @networks.response(201, NetworkCreatedSchema)
    def post(self, data):
        """Open a network and get its coordinator token. Platform operators only."""
        with unit_of_work() as session:
            created = registry.create_network(session, **data)
        return {"network": created.record, "coordinator_token": created.token}


@networks.route("/mine")
class MyNetwork(MethodView):
    @require_role(Role.COORDINATOR)
    @networks.doc(security=SECURED)
    @networks.arguments(NetworkSettingsSchema(partial=True))
    @networks.response(200, NetworkSchema)
    def patch(self, changes):
        """Change your network's name, contact, moderation and e-mail branding. Its coordinator."""
        with unit_of_work() as session:
            return registry.update_network(session, current_principal().network_id, changes)


@categories.route("")
class Categories(MethodView):
    @categories.arguments(NetworkArgsSchema, location="query")
    @categories.response(200, CategorySchema(many=True))
    def get(self, args):
        """A network's activity categories. Anyone may call this."""
        with network_reader(args["network"]) as session:
            return registry.categories(session)

    @require_role(Role.COORDINATOR)
    @categories.doc(security=SECURED)
    @categories.arguments(CategorySchema)
    @categories.response(201, CategorySchema)
    def post(self, data):
        """Add an activity category. The network's coordinator only."""
        with unit_of_work() as session:
            return registry.add_category(session, current_principal().network_id, **data)


@categories.route("/<key>")
class CategoryByKey(MethodView):
    @require_role(Role.COORDINATOR)
    @categories.doc(security=SECURED)
    @categories.arguments(CategoryNameSchema)
    @categories.response(200, CategorySchema)
    def patch(self, data, key):
        """Rename an activity category. The network's coordinator only."""
        with unit_of_work() as session:
            return registry.rename_category(session, key, data["name"])

    @require_role(Role.COORDINATOR)
    @categories.doc(security=SECURED)
    @categories.response(204)
    def delete(self, key):
        """Remove a category no vacancy uses (409 otherwise). The network's coordinator only."""
        with unit_of_work() as session:
            registry.remove_category(session, key)


@organisations.route("")
class Organisations(MethodView):
    @organisations.arguments(NetworkArgsSchema, location="query")
    @organisations.response(200, OrganisationSchema(many=True))
    def get(self, args):
        """A network's member organisations. Anyone may call this."""
        with network_reader(args["network"]) as session:
            return registry.organisations(session)

    @require_role(Role.COORDINATOR)
    @organisations.doc(security=SECURED)
    @organisations.arguments(OrganisationCreateSchema)
    @organisations.response(201, OrganisationCreatedSchema)
    def post(self, data):
        """Admit a member organisation and get its API token. The network's coordinator only."""
        with unit_of_work() as session:
            created = registry.admit_organisation(session, current_principal().network_id, data)
        return {"organisation": created.record, "token": created.token}


@organisations.route("/<organisation_id>")
class OrganisationById(MethodView):
    @require_role(Role.COORDINATOR)
    @organisations.doc(security=SECURED)
    @organisations.arguments(OrganisationPatchSchema(partial=True))
    @organisations.response(200, OrganisationSchema)
    def patch(self, changes, organisation_id):
        """Edit a member's registry entry. The network's coordinator only."""
        with unit_of_work() as session:
            return registry.update_organisation(session, organisation_id, changes)

    @require_role(Role.COORDINATOR)
    @organisations.doc(security=SECURED)
    @organisations.response(204)
    def delete(self, organisation_id):
        """Remove a member; its tokens stop working. The network's coordinator only."""
        with unit_of_work() as session:
            registry.remove_organisation(session, organisation_id)


@tokens.route("")
class Tokens(MethodView):
    @require_role(Role.COORDINATOR)
    @tokens.doc(security=SECURED)
    @tokens.arguments(TokenHolderSchema, location="query")
    @tokens.response(200, TokenSchema(many=True))
    def get(self, holder):
        """The working tokens of one member or education partner, never their secret. The
        network's coordinator only."""
        with unit_of_work() as session:
            return access.tokens_of(session, current_principal().network_id, **holder)

    @require_role(Role.COORDINATOR)
    @tokens.doc(security=SECURED)
    @tokens.arguments(TokenIssueSchema)
    @tokens.response(201, TokenIssuedSchema)
    def post(self, data):
        """Issue a token for a member's or partner's own system; its secret is in this answer
        only. The network's coordinator only."""
        network_id = current_principal().network_id
        with unit_of_work() as session:
            if data["organisation_id"]:
                secret = access.issue_member_token(session, network_id, data["organisation_id"], data["name"])
            else:
                secret = access.issue_partner_token(session, network_id, data["partner_id"], data["name"])
            return {"token": access.token_row(session, secret), "secret": secret}


@tokens.route("/<token_id>/revoke")
class RevokeToken(MethodView):
    @require_role(Role.COORDINATOR, Role.PLATFORM)
    @tokens.doc(security=SECURED)
    @tokens.response(204)
    def post(self, token_id):
        """Revoke a token at once, in every service. The network's coordinator only."""
        with unit_of_work() as session:
            registry.revoke_token(session, current_principal(), token_id)
