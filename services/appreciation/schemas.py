"""HTTP schemas of the appreciation API."""

from marshmallow import fields, validate

from shared.web.schemas import BaseSchema

CATEGORIES = ["theatre", "cinema", "museum", "swimming_pool", "shop", "other"]


class NetworkQuerySchema(BaseSchema):
    network = fields.String(required=True, metadata={"description": "The network's slug"})


class DiscountPartnerInputSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    place = fields.String(load_default="", validate=validate.Length(max=200))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))


class DiscountPartnerSchema(BaseSchema):
    id = fields.String(dump_only=True)
    network_id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    place = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
