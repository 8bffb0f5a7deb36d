"""HTTP schemas of the appreciation API's events (Gathering in code; the API says event)."""

from marshmallow import ValidationError, fields, validate, validates_schema

from services.appreciation.domain.gatherings import KINDS
from shared.web.schemas import BaseSchema, PlausibleDateTime, WholeNumber

QUESTIONS_MAX = 20  # questions a gathering asks at sign-up


class EventInputSchema(BaseSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    kind = fields.String(
        required=True,
        validate=validate.OneOf(KINDS),
    )
    venue = fields.String(required=True, validate=validate.Length(min=1, max=200))
    area = fields.String(load_default="", validate=validate.Length(max=120))
    starts_at = PlausibleDateTime(required=True)
    ends_at = PlausibleDateTime(required=True)
    capacity = WholeNumber(1, 100_000, required=True)
    signup_deadline = PlausibleDateTime(required=True)
    guests_allowed = WholeNumber(0, 5, load_default=0)
    accessibility = fields.String(load_default="", validate=validate.Length(max=2000))
    questions = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        load_default=list,
        validate=validate.Length(max=QUESTIONS_MAX),
    )
    audience = fields.String(load_default="all", validate=validate.OneOf(["all", "organisations"]))
    organisations = fields.List(fields.String(), load_default=list, validate=validate.Length(max=500))

    MULTILINE = ("description", "accessibility")

    @validates_schema
    def _times(self, data, **_):
        errors = {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            errors["ends_at"] = ["The event must end after it starts."]
        if (
            data.get("signup_deadline")
            and data.get("starts_at")
            and data["signup_deadline"] > data["starts_at"]
        ):
            errors["signup_deadline"] = ["Sign-up must close before the event starts."]
        # A patch that leaves the organisations out keeps those the event names.
        if data.get("audience") == "organisations" and data.get("organisations") == []:
            errors["organisations"] = ["Name the organisations whose volunteers are invited."]
        if errors:
            raise ValidationError(errors)


class EventSchema(BaseSchema):
    id = fields.String(dump_only=True)
    organiser_id = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The organising member; null: the coordinator"},
    )
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    venue = fields.String(dump_only=True)
    area = fields.String(dump_only=True)
    starts_at = fields.DateTime(dump_only=True)
    ends_at = fields.DateTime(dump_only=True)
    capacity = fields.Integer(dump_only=True)
    taken = fields.Integer(dump_only=True)
    invited = fields.Integer(dump_only=True)
    signup_deadline = fields.DateTime(dump_only=True)
    guests_allowed = fields.Integer(dump_only=True)
    accessibility = fields.String(dump_only=True)
    questions = fields.List(fields.String(), dump_only=True)
    audience = fields.String(dump_only=True)
    organisations = fields.List(fields.String(), dump_only=True)
    status = fields.String(dump_only=True)


class EventPatchSchema(EventInputSchema):
    """Use with partial=True: any field of the event. In a draft every field may change; once
    published, all but audience, organisations and questions (a 409 at the field), places never
    below those taken (a 422 at `capacity`). Places added go to the waiting list in its order; a
    new time or venue is told to everyone coming."""


class EventFiguresSchema(BaseSchema):
    invited = fields.Integer(dump_only=True)
    signed_up = fields.Integer(dump_only=True, metadata={"description": "People coming"})
    coming_with_guests = fields.Integer(
        dump_only=True, metadata={"description": "People coming, their guests counted"}
    )
    waiting = fields.Integer(dump_only=True)
    offered = fields.Integer(dump_only=True, metadata={"description": "Offered a place, not yet taken"})
    declined = fields.Integer(
        dump_only=True, metadata={"description": "Not coming: declined, or cancelled their sign-up"}
    )
    places_left = fields.Integer(dump_only=True, metadata={"description": "Places nobody holds"})
    attended = fields.Integer(dump_only=True)
    average_mark = fields.Float(dump_only=True, allow_none=True)
