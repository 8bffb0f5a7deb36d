"""HTTP schemas of the notifications API."""

from marshmallow import fields, validate

from shared.web.schemas import BaseSchema


class DeliveryQuerySchema(BaseSchema):
    recipient = fields.Email(metadata={"description": "Only deliveries to this address"})
    event_id = fields.UUID(metadata={"description": "Only deliveries for this event"})
    status = fields.String(validate=validate.OneOf(["pending", "sending", "sent", "failed"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class DeliverySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    event_id = fields.String(dump_only=True)
    event_type = fields.String(dump_only=True)
    recipient = fields.String(dump_only=True)
    template = fields.String(dump_only=True)
    language = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    attempts = fields.Integer(dump_only=True)
    error = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    sent_at = fields.DateTime(dump_only=True, allow_none=True)
