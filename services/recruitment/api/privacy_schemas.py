"""A person's data request as the page and the API read it."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from shared.privacy import KINDS


class PrivacyRequestInputSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    email = fields.Email(required=True, validate=validate.Length(max=320))
    language = fields.String(load_default="nl", validate=validate.OneOf(["nl", "en"]))
    kind = fields.String(
        required=True,
        validate=validate.OneOf(KINDS),
        metadata={"description": "access (art. 15) or erasure (art. 17)"},
    )


class PrivacyRequestSchema(Schema):
    """A request as the coordinator sees it: the address only while the request needs it."""

    id = fields.String()
    kind = fields.String()
    email = fields.String()
    status = fields.String()
    requested_by = fields.String()
    requested_at = fields.AwareDateTime()
    confirmed_at = fields.AwareDateTime(allow_none=True)
    completed_at = fields.AwareDateTime(allow_none=True)
    answered = fields.Method("_answered")

    def _answered(self, request) -> list[str]:
        return [part.service for part in request.parts]
