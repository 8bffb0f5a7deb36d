"""Notifications' JSON API: the delivery log, for the network's coordinator."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.notifications.schemas import DeliveryQuerySchema, DeliverySchema
from services.notifications.usecases import log
from shared.identity import Role
from shared.web.api import Blueprint
from shared.web.auth import current_principal, require_role

PREFIX = "/api/notifications"

deliveries = Blueprint(
    "deliveries",
    __name__,
    url_prefix=f"{PREFIX}/deliveries",
    description="The delivery log: every message, its status and errors.",
)


@deliveries.route("")
class Deliveries(MethodView):
    @require_role(Role.COORDINATOR)
    @deliveries.doc(security=[{"apiToken": []}])
    @deliveries.arguments(DeliveryQuerySchema, location="query")
    @deliveries.response(200, DeliverySchema(many=True))
    def get(self, args):
        """Search the delivery log of your network. The network's coordinator only."""
        event_id = str(args["event_id"]) if "event_id" in args else None
        db = current_app.extensions["knoop"].db
        with db.transaction(network_id=current_principal().network_id) as session:
            return log.matching(
                session,
                current_principal(),
                limit=args["limit"],
                recipient=args.get("recipient"),
                event_id=event_id,
                status=args.get("status"),
            )


def register_api(app, api) -> None:
    api.register_blueprint(deliveries)
