"""API of joint appreciation events (Gathering in code; `/events` and the `Event…` schemas in the
API): the organiser creates and publishes; invitations fan out."""

from __future__ import annotations

from flask.views import MethodView

from services.appreciation.api.common import PREFIX, SECURED, links, reader, unit_of_work
from services.appreciation.api.gathering_schemas import (
    EventFiguresSchema,
    EventInputSchema,
    EventPatchSchema,
    EventSchema,
)
from services.appreciation.usecases import gathering_changes
from services.appreciation.usecases import gatherings as usecases
from shared.identity import Role
from shared.web.api import Blueprint
from shared.web.auth import current_principal, require_role

gatherings = Blueprint(
    "appreciation_events",
    __name__,
    url_prefix=f"{PREFIX}/events",
    description="Joint appreciation events: invitations, sign-up, capacity and waiting list.",
)
BLUEPRINTS = (gatherings,)
ORGANISERS = (Role.COORDINATOR, Role.ORGANISATION)


@gatherings.route("")
class Gatherings(MethodView):
    @require_role(*ORGANISERS)
    @gatherings.doc(security=SECURED)
    @gatherings.response(200, EventSchema(many=True))
    def get(self):
        """Events: the coordinator sees all of the network's, a member its own."""
        with reader() as session:
            return usecases.gatherings_of(session, current_principal())

    @require_role(*ORGANISERS)
    @gatherings.doc(security=SECURED)
    @gatherings.arguments(EventInputSchema)
    @gatherings.response(201, EventSchema)
    def post(self, data):
        """Create an event (a draft). A member's event invites only its own volunteers."""
        with unit_of_work() as session:
            return usecases.create(session, current_principal(), data)


@gatherings.route("/<event_id>/publish")
class Publish(MethodView):
    @require_role(*ORGANISERS)
    @gatherings.doc(security=SECURED)
    @gatherings.response(200, EventSchema)
    def post(self, event_id):
        """Publish: every pass holder in the audience gets a personal invitation, in batches of 500."""
        with unit_of_work() as session:
            return usecases.publish(session, current_principal(), event_id)


@gatherings.route("/<event_id>")
class GatheringById(MethodView):
    @require_role(*ORGANISERS)
    @gatherings.doc(security=SECURED)
    @gatherings.arguments(EventPatchSchema(partial=True))
    @gatherings.response(200, EventSchema)
    def patch(self, changes, event_id):
        """Change the event: any field of a draft; once published, all but its audience and
        questions (409 at the field). Places never go below those taken (422 at `capacity`); places
        added are offered to the waiting list in its order; a new time or venue is told to everyone
        coming (and reminded again)."""
        with unit_of_work() as session:
            return gathering_changes.change(session, current_principal(), event_id, changes, links())


@gatherings.route("/<event_id>/cancel")
class Cancel(MethodView):
    @require_role(*ORGANISERS)
    @gatherings.doc(security=SECURED)
    @gatherings.response(200, EventSchema)
    def post(self, event_id):
        """Cancel the event: everyone invited is told."""
        with unit_of_work() as session:
            return usecases.cancel(session, current_principal(), event_id, links())


@gatherings.route("/<event_id>/figures")
class Figures(MethodView):
    @require_role(*ORGANISERS)
    @gatherings.doc(security=SECURED)
    @gatherings.response(200, EventFiguresSchema)
    def get(self, event_id):
        """Invited, coming (and with guests), waiting, offered, not coming, attended, places left and
        the average mark (1 to 10)."""
        with reader() as session:
            return usecases.figures(session, usecases.organised(session, current_principal(), event_id))
