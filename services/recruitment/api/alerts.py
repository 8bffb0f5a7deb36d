"""API of alerts: subscribe to a saved search; one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort

from services.recruitment.api.common import PREFIX, kit, links
from services.recruitment.api.schemas import AlertInputSchema, AlertReceiptSchema
from services.recruitment.usecases import alerts as usecases
from services.recruitment.usecases.registry import network_by_slug
from services.recruitment.usecases.search import Criteria
from shared.tokens import InvalidToken
from shared.web.api import Blueprint

alerts = Blueprint(
    "alerts",
    __name__,
    url_prefix=f"{PREFIX}/alerts",
    description="E-mail alerts for a saved search (double opt-in).",
)
BLUEPRINTS = (alerts,)
SUBSCRIPTION_FIELDS = ("network", "email", "language", "frequency", "consent_version")


@alerts.route("")
class Subscribe(MethodView):
    @alerts.arguments(AlertInputSchema)
    @alerts.response(202, AlertReceiptSchema)
    def post(self, data):
        """Follow a saved search; a confirmation e-mail is sent first. Anyone may call this."""
        criteria = Criteria(**{k: v for k, v in data.items() if k not in SUBSCRIPTION_FIELDS}).saved()
        with kit().db.transaction() as session:
            network = network_by_slug(session, data["network"])
            return usecases.subscribe(
                session,
                network.id,
                data["email"],
                data["language"],
                criteria,
                data["frequency"],
                links(),
                data["consent_version"],
            )


@alerts.route("/unsubscribe/<token>")
class OneClickUnsubscribe(MethodView):
    @alerts.response(204)
    def post(self, token):
        """One-click unsubscribe from the List-Unsubscribe-Post header; the signed token is the key."""
        try:
            subscription_id = links().unsubscribe.verify(token)
        except InvalidToken:
            abort(404, message="This unsubscribe link is not valid.")
        with kit().db.transaction() as session:
            usecases.unsubscribe(session, subscription_id)
