"""Notifications' JSON API: the delivery log, for the network's coordinator."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from services.notifications.models import Delivery
from services.notifications.schemas import DeliveryQuerySchema, DeliverySchema
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
        query = select(Delivery).order_by(Delivery.id.desc()).limit(args["limit"])
        if "recipient" in args:
            query = query.where(Delivery.recipient == args["recipient"].lower())
        if "event_id" in args:
            query = query.where(Delivery.event_id == str(args["event_id"]))
        if "status" in args:
            query = query.where(Delivery.status == args["status"])
        db = current_app.extensions["knoop"].db
        with db.reader(network_id=current_principal().network_id) as session:
            return list(session.scalars(query))


def register_api(app, api) -> None:
    api.register_blueprint(deliveries)
