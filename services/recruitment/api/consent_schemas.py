"""HTTP schemas of the network's privacy statement (the coordinator's page reads its form with them)."""

from __future__ import annotations

from marshmallow import fields, validate

from services.recruitment.domain.privacy_text import MAX_LENGTH
from shared.web.schemas import BaseSchema

# Every consent names the version of the network's privacy statement the person was shown.
CONSENT_TEXT = "Agreement to the network's privacy statement, shown at /n/<network slug>/privacy"


def consent_version_field() -> fields.Integer:
    return fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0),
        metadata={
            "description": "The version of the privacy statement the person was shown "
            "(GET /n/<network slug>/privacy?versie=N); left out: the current version is recorded"
        },
    )


class PrivacyTextInputSchema(BaseSchema):
    MULTILINE = ("body",)  # paragraphs typed without the editor are separated by blank lines

    body = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_LENGTH),
        metadata={"description": "Simple HTML (p, ul, li, strong, em, a) or plain paragraphs"},
    )
    based_on = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "The version the text was edited from; a newer one refuses the save"},
    )
