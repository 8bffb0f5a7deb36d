"""HTTP schemas of the appreciation API: partners, passes, offers, redemption (events: gathering_schemas)."""

import re

from marshmallow import ValidationError, fields, validate, validates_schema

from services.appreciation.domain.clock import local_today
from services.appreciation.domain.offers import AUDIENCES, DISCOUNT_KINDS, PERIODS, USAGE_RULES
from services.appreciation.domain.passes import VALIDITY_KINDS, grouped, last_four, shown_status
from shared.identity import Role
from shared.web.auth import current_principal
from shared.web.schemas import (
    CONTROL,
    LINE_BREAK,
    BaseSchema,
    Number,
    PlausibleDate,
    StrictBoolean,
    WholeNumber,
)

CATEGORIES = ["theatre", "cinema", "museum", "swimming_pool", "shop", "other"]
AMOUNT_MAX = 10_000  # euros: a discount larger than this is a typing error


class NetworkQuerySchema(BaseSchema):
    network = fields.String(required=True, metadata={"description": "The network's slug"})


class DiscountPartnerInputSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    place = fields.String(load_default="", validate=validate.Length(max=200))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    contact_name = fields.String(load_default="", validate=validate.Length(max=200))
    contact_email = fields.Email(load_default="", metadata={"description": "Where its login links go"})
    language = fields.String(load_default="nl", validate=validate.OneOf(["nl", "en"]))


class DiscountPartnerSchema(BaseSchema):
    id = fields.String(dump_only=True)
    network_id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    place = fields.String(dump_only=True)
    category = fields.String(dump_only=True)


class PartnerContactSchema(BaseSchema):
    """Use with partial=True: the partner's name and its contact for its login links."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    contact_name = fields.String(validate=validate.Length(min=1, max=200))
    contact_email = fields.Email()
    language = fields.String(validate=validate.OneOf(["nl", "en"]))


class PartnerCreatedSchema(BaseSchema):
    partner = fields.Nested(DiscountPartnerSchema, dump_only=True)
    token = fields.String(dump_only=True, metadata={"description": "Shown once; store it safely."})


class TillTokenInputSchema(BaseSchema):
    name = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": 'A label for the till ("kassa 2"); empty: the partner\'s name'},
    )


class TillTokenSchema(BaseSchema):
    """A partner's till token as the coordinator sees it: never the secret (only its hash is kept)."""

    id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)


class TillTokenIssuedSchema(TillTokenSchema):
    token = fields.String(dump_only=True, metadata={"description": "Shown once; store it safely."})


class PolicySchema(BaseSchema):
    validity_kind = fields.String(
        validate=validate.OneOf(VALIDITY_KINDS),
        metadata={"description": "calendar_year: until 31 December; twelve_months: a year from issue"},
    )
    students_get_pass = StrictBoolean(
        metadata={"description": "A student gets a pass when their placement is confirmed"}
    )


class NominationSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True)
    language = fields.String(load_default="nl", validate=validate.OneOf(["nl", "en"]))


class CoordinatorNominationSchema(NominationSchema):
    """The coordinator nominates on behalf of a member organisation (the pages' form)."""

    organisation_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class PassSchema(BaseSchema):
    id = fields.String(dump_only=True)
    holder_id = fields.String(dump_only=True)
    number = fields.Method(
        "_number",
        dump_only=True,
        metadata={"description": "In full for the coordinator; the last 4 digits otherwise"},
    )
    status = fields.Function(lambda p: shown_status(p, local_today()), dump_only=True)
    valid_from = fields.Date(dump_only=True)
    valid_until = fields.Date(dump_only=True)
    issued_at = fields.DateTime(dump_only=True)
    replaced_by = fields.String(dump_only=True, allow_none=True)

    def _number(self, pass_) -> str:
        # Only the holder (by e-mail) and the coordinator need the number; a member that nominates
        # someone must not learn the number of a pass another member's volunteer already had.
        principal = current_principal()
        if principal is not None and principal.role == Role.COORDINATOR:
            return grouped(pass_.number)
        return last_four(pass_.number)


class NominatedSchema(BaseSchema):
    created = fields.Boolean(dump_only=True, metadata={"description": "False: the person had a pass"})
    pass_ = fields.Nested(PassSchema, dump_only=True, data_key="pass")


class HolderPassSchema(BaseSchema):
    name = fields.Function(lambda row: row[1].name, dump_only=True)
    email = fields.Function(lambda row: row[1].email, dump_only=True)
    organisations = fields.Function(lambda row: row[1].organisation_ids, dump_only=True)
    is_student = fields.Function(lambda row: row[1].is_student, dump_only=True)
    pass_ = fields.Function(lambda row: PassSchema().dump(row[0]), dump_only=True, data_key="pass")


class OfferInputSchema(BaseSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    discount_kind = fields.String(required=True, validate=validate.OneOf(DISCOUNT_KINDS))
    discount_value = Number(
        0.01,
        AMOUNT_MAX,
        load_default=None,
        allow_none=True,
        metadata={"description": "A percentage (1 to 100) or an amount in euros (0.01 to 10,000)"},
    )
    valid_from = PlausibleDate(load_default=None, allow_none=True)
    valid_until = PlausibleDate(load_default=None, allow_none=True)
    weekdays = fields.List(
        WholeNumber(1, 7),
        load_default=list,
        validate=validate.Length(max=7),
        metadata={"description": "1 is Monday"},
    )
    starts_at = fields.Time(load_default=None, allow_none=True)
    ends_at = fields.Time(load_default=None, allow_none=True)
    usage = fields.String(load_default="unlimited", validate=validate.OneOf(USAGE_RULES))
    per_period = WholeNumber(1, 100, load_default=None, allow_none=True)
    period = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(PERIODS))
    total_quantity = WholeNumber(1, 1_000_000, load_default=None, allow_none=True)
    audience = fields.String(load_default="all", validate=validate.OneOf(AUDIENCES))
    organisations = fields.List(fields.String(), load_default=list, validate=validate.Length(max=500))

    MULTILINE = ("description",)

    @validates_schema
    def _consistent(self, data, **_):
        errors = {}
        if data.get("discount_kind") in ("percentage", "amount") and not data.get("discount_value"):
            errors["discount_value"] = ["Give the percentage or the amount."]
        value = data.get("discount_value")
        if data.get("discount_kind") == "percentage" and value and not 1 <= value <= 100:
            errors["discount_value"] = ["A percentage is from 1 to 100."]
        if data.get("discount_kind") == "amount" and value and round(value, 2) != value:
            errors["discount_value"] = ["Give the amount in euros and cents."]
        if data.get("usage") == "per_period" and not (data.get("per_period") and data.get("period")):
            errors["per_period"] = ["Say how many times per week, month or year."]
        if data.get("audience") == "organisations" and not data.get("organisations"):
            errors["organisations"] = ["Name the organisations whose volunteers may use it."]
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            errors["valid_until"] = ["The offer must end after it starts."]
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            errors["ends_at"] = ["The end time must come after the start time."]
        if errors:
            raise ValidationError(errors)


class OfferSchema(BaseSchema):
    id = fields.String(dump_only=True)
    partner_id = fields.String(dump_only=True)
    partner_name = fields.Function(lambda o: o.partner.name, dump_only=True)
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    discount_kind = fields.String(dump_only=True)
    discount_value = fields.Float(dump_only=True, allow_none=True)
    valid_from = fields.Date(dump_only=True, allow_none=True)
    valid_until = fields.Date(dump_only=True, allow_none=True)
    weekdays = fields.List(fields.Integer(), dump_only=True)
    starts_at = fields.Time(dump_only=True, allow_none=True)
    ends_at = fields.Time(dump_only=True, allow_none=True)
    usage = fields.String(dump_only=True)
    per_period = fields.Integer(dump_only=True, allow_none=True)
    period = fields.String(dump_only=True, allow_none=True)
    total_quantity = fields.Integer(dump_only=True, allow_none=True)
    redeemed = fields.Integer(dump_only=True)
    audience = fields.String(dump_only=True)
    organisations = fields.List(fields.String(), dump_only=True)
    paused = fields.Boolean(dump_only=True, metadata={"description": "Paused by its partner for now"})
    paused_at = fields.DateTime(dump_only=True, allow_none=True)


NUMBER_MAX = 30  # characters of a typed pass number, spaces and dashes included


class RedeemInputSchema(BaseSchema):
    offer_id = fields.String(required=True)
    qr = fields.String(load_default=None, metadata={"description": "The token from a scanned QR code"})
    number = fields.String(
        load_default=None,
        validate=validate.Length(max=NUMBER_MAX),
        metadata={"description": "The typed pass number"},
    )

    @validates_schema
    def _one_code(self, data, **_):
        if bool(data.get("qr")) == bool(data.get("number")):
            raise ValidationError({"number": ["Give either the scanned QR token or the pass number."]})


def quick_redeem_input(body: object) -> dict | None:
    """What RedeemInputSchema loads from a body as every till sends it (an offer and one code, plain
    text), without marshmallow's machinery, on every tap at a counter (docs/performance.md). None for
    anything else, which the schema then judges (and words). Stricter than the schema, never looser:
    a test holds the two together."""
    if type(body) is not dict or not body.keys() <= _REDEEM_KEYS:
        return None
    offer_id, qr, number = body.get("offer_id"), body.get("qr"), body.get("number")
    code = qr if number is None else number
    if (qr is None) == (number is None) or type(offer_id) is not str or type(code) is not str:
        return None  # not exactly one code, or not text
    if not code or (number is not None and len(number) > NUMBER_MAX) or _ONE_LINE.search(offer_id + code):
        return None
    return {"offer_id": offer_id, "qr": qr, "number": number}


_REDEEM_KEYS = frozenset(RedeemInputSchema().fields)
# What BaseSchema refuses in a one-line text: control characters and line breaks.
_ONE_LINE = re.compile(f"{CONTROL.pattern}|{LINE_BREAK.pattern}")


class RedemptionResultSchema(BaseSchema):
    outcome = fields.String(dump_only=True)
    message = fields.String(dump_only=True)
    redemption_id = fields.String(dump_only=True, allow_none=True)
    first_name = fields.String(dump_only=True)
    valid_until = fields.String(dump_only=True, allow_none=True)


class FigureSchema(BaseSchema):
    partner = fields.String(dump_only=True)
    offer = fields.String(dump_only=True)
    month = fields.String(dump_only=True)
    redemptions = fields.Integer(dump_only=True)


class NominationRowSchema(BaseSchema):
    line = fields.Integer(dump_only=True)
    outcome = fields.String(dump_only=True)
    reason = fields.String(dump_only=True)
    email = fields.String(dump_only=True)


class NominationReportSchema(BaseSchema):
    summary = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    rows = fields.List(fields.Nested(NominationRowSchema), dump_only=True)
