"""The one project base Schema: unknown fields in a request are an error, not silently dropped."""

from marshmallow import RAISE, Schema


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True
