"""API for discount partners' own till systems: their offers, redeeming with an Idempotency-Key,
undo within ten minutes, and the figures; plus the public list of a network's offers."""

from __future__ import annotations

import hashlib
import json

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from services.appreciation.api.common import (
    PREFIX,
    SECURED,
    core_unit_of_work,
    kit,
    links,
    reader,
    unit_of_work,
)
from services.appreciation.api.schemas import (
    FigureSchema,
    NetworkQuerySchema,
    OfferInputSchema,
    OfferSchema,
    RedeemInputSchema,
    RedemptionResultSchema,
    quick_redeem_input,
)
from services.appreciation.domain.offers import Outcome
from services.appreciation.usecases import offers as offer_usecases
from services.appreciation.usecases import partners
from services.appreciation.usecases.redemptions import counter, figures, till_answers
from shared.identity import Role
from shared.web.api import Blueprint
from shared.web.auth import current_principal, require_role
from shared.web.bodies import json_body
from shared.web.spreadsheet import csv_documented, csv_response

redemption = Blueprint(
    "redemption",
    __name__,
    url_prefix=PREFIX,
    description="Offers, redemption at the counter or from a till system, and the figures.",
)
BLUEPRINTS = (redemption,)

# What a till reads from the status code alone.
STATUS = {Outcome.REDEEMED: 201, Outcome.UNKNOWN: 404}
IDEMPOTENCY_KEY_MAX = 200
REDEEM_INPUT = RedeemInputSchema()


@redemption.route("/offers")
class Offers(MethodView):
    @redemption.arguments(NetworkQuerySchema, location="query")
    @redemption.response(200, OfferSchema(many=True))
    def get(self, args):
        """A network's current offers. Anyone may call this."""
        with kit().db.reader() as session:
            network = partners.network_by_slug(session, args["network"])
        with kit().db.reader(network_id=network.id) as session:
            return offer_usecases.current_offers(session)

    @require_role(Role.DISCOUNT_PARTNER)
    @redemption.doc(security=SECURED)
    @redemption.arguments(OfferInputSchema)
    @redemption.response(201, OfferSchema)
    def post(self, data):
        """Add an offer of your own. Discount partners only."""
        with unit_of_work() as session:
            return offer_usecases.add_offer(session, current_principal(), data)


@redemption.route("/offers/<offer_id>")
class OfferById(MethodView):
    @require_role(Role.DISCOUNT_PARTNER)
    @redemption.doc(security=SECURED)
    @redemption.arguments(OfferInputSchema)
    @redemption.response(200, OfferSchema)
    def put(self, data, offer_id):
        """Change every rule of an offer of your own (redemptions so far stay). Discount partners only."""
        with unit_of_work() as session:
            return offer_usecases.update_offer(session, current_principal(), offer_id, data)

    @require_role(Role.DISCOUNT_PARTNER, Role.COORDINATOR)
    @redemption.doc(security=SECURED)
    @redemption.response(200, OfferSchema)
    def delete(self, offer_id):
        """Withdraw an offer (redemptions stay in the figures). Its partner or the coordinator."""
        with unit_of_work() as session:
            return offer_usecases.withdraw(session, current_principal(), offer_id)


@redemption.route("/offers/<offer_id>/pause")
class PauseOffer(MethodView):
    @require_role(Role.DISCOUNT_PARTNER)
    @redemption.doc(security=SECURED)
    @redemption.response(200, OfferSchema)
    def post(self, offer_id):
        """Pause an offer of yours: pass holders no longer see it and tills get `paused` (409) until
        you resume it. 409 for an ended offer. Discount partners only."""
        with unit_of_work() as session:
            return offer_usecases.pause(session, current_principal(), offer_id)


@redemption.route("/offers/<offer_id>/resume")
class ResumeOffer(MethodView):
    @require_role(Role.DISCOUNT_PARTNER)
    @redemption.doc(security=SECURED)
    @redemption.response(200, OfferSchema)
    def post(self, offer_id):
        """Switch a paused offer of yours on again. 409 for an ended offer. Discount partners only."""
        with unit_of_work() as session:
            return offer_usecases.resume(session, current_principal(), offer_id)


def _request_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        abort(422, message="Idempotency-Key must be 1 to 200 printable characters.")
    return key


def _as_json(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _redeem_input() -> dict:
    """The body, loaded by REDEEM_INPUT, answered as flask-smorest answers a bad one (webargs):
    422 with each field's messages for one that does not validate; a body that is missing or not
    sent as JSON counts as empty. Every app has parsed (or refused: 400) a JSON body before the
    view (shared.web.bodies). A body as tills send it takes the quick way (`quick_redeem_input`)."""
    body = json_body({})
    quick = quick_redeem_input(body)
    if quick is not None:
        return quick
    try:
        return REDEEM_INPUT.load(body)
    except ValidationError as error:
        abort(422, messages={"json": error.messages})


def _answer(body: dict, status: int):
    # `body` holds exactly RedemptionResultSchema's fields, strings or None, as its OpenAPI entry
    # says: dumping it through the schema would only copy it (a test holds the two together).
    return current_app.response_class(json.dumps(body), status, mimetype="application/json")


@redemption.route("/redemptions")
class Redemptions(MethodView):
    # The one call at a counter with a queue behind it: loaded and answered here, without
    # flask-smorest's per-request wrappers (@arguments, @response), which cost CPU on every request
    # under gunicorn (docs/performance.md, the redemption's step 9). The OpenAPI entry says the same
    # as those would.
    @require_role(Role.DISCOUNT_PARTNER)
    @redemption.doc(
        security=SECURED,
        parameters=[
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX},
                "description": "A repeated request with the same key returns the first answer.",
            }
        ],
        requestBody={"required": True, **_as_json(RedeemInputSchema)},
        responses={
            "201": {"description": "Redeemed", **_as_json(RedemptionResultSchema)},
            "409": {"description": "Refused, with the reason", **_as_json(RedemptionResultSchema)},
            "404": {"description": "No pass has this code", **_as_json(RedemptionResultSchema)},
            "422": {"$ref": "#/components/responses/UNPROCESSABLE_ENTITY"},
            "default": {"$ref": "#/components/responses/DEFAULT_ERROR"},
        },
    )
    def post(self):
        """Redeem an offer of yours for a scanned QR token or a typed pass number. Race-free: the
        database decides. `outcome` says what happened: redeemed (201), already_used, limit_reached,
        sold_out, not_yet_valid, no_longer_valid, revoked, not_eligible, not_now, paused (409),
        unknown (404; wrong codes are rate limited). Discount partners only."""
        data = _redeem_input()
        principal, key = current_principal(), _idempotency_key()
        # Core statements, each complete in itself (see Database.core_unit): no ORM Session.
        if key is None:
            with core_unit_of_work() as unit:
                return _answer(*_redeem(unit, principal, data))
        digest = _request_hash(data)
        try:
            with core_unit_of_work() as unit:
                stored = till_answers.stored_answer(unit, principal.partner_id, key)
                if stored is not None:
                    return _answer(*_replay(stored, digest))
                with unit.atomic():  # the key, the redemption and its answer, or none of them
                    till_answers.hold_key(unit, principal.partner_id, key, digest)
                    body, status = _redeem(unit, principal, data)
                    till_answers.keep_answer(unit, principal.partner_id, key, status, body)
                return _answer(body, status)
        except IntegrityError:
            with reader() as session:  # a twin with the same key committed first: its answer stands
                stored = till_answers.stored_answer(session, principal.partner_id, key)
            if stored is None:
                raise
            return _answer(*_replay(stored, digest))


def _redeem(session, principal, data: dict) -> tuple[dict, int]:
    presented = counter.Presented(data.get("qr"), data.get("number"), request.remote_addr or "")
    result = counter.redeem_presented(session, principal, links(), data["offer_id"], presented)
    body = {
        "outcome": result.outcome,
        "message": Outcome.MESSAGES[result.outcome],
        "redemption_id": result.redemption_id,
        "first_name": result.first_name,
        "valid_until": result.valid_until,
    }
    return body, STATUS.get(result.outcome, 409)


def _replay(stored: tuple[str, int, dict | None], digest: str):
    request_hash, status, body = stored
    if request_hash != digest:
        abort(422, message="This Idempotency-Key was used for a different request.")
    return body, status


@redemption.route("/redemptions/<redemption_id>/undo")
class Undo(MethodView):
    @require_role(Role.DISCOUNT_PARTNER)
    @redemption.doc(security=SECURED)
    @redemption.response(200, RedemptionResultSchema)
    def post(self, redemption_id):
        """Take back a redemption of yours within 10 minutes (a wrong tap)."""
        with unit_of_work() as session:
            counter.undo(session, current_principal(), redemption_id)
        return {"outcome": "undone", "message": "The redemption was undone.", "redemption_id": redemption_id}


@redemption.route("/figures/redemptions")
class Figures(MethodView):
    @require_role(Role.DISCOUNT_PARTNER, Role.COORDINATOR)
    @redemption.doc(security=SECURED)
    @redemption.response(200, FigureSchema(many=True))
    def get(self):
        """Redemptions per partner, offer and month: a partner its own, the coordinator all."""
        with reader() as session:
            return figures.figures(session, current_principal())


@redemption.route("/figures/redemptions.csv")
class FiguresCsv(MethodView):
    @require_role(Role.DISCOUNT_PARTNER, Role.COORDINATOR)
    @redemption.doc(security=SECURED)
    @redemption.response(200, **csv_documented(figures.COLUMNS))
    def get(self):
        """The same as CSV (`;`, UTF-8 with BOM)."""
        with reader() as session:
            rows = figures.figures(session, current_principal())
        return csv_response(rows, "inwisselingen.csv", figures.COLUMNS)
