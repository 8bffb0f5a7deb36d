"""The one project base Schema: unknown fields are an error, not silently dropped, and no text may
carry control characters (a NUL breaks PostgreSQL, a CR/LF in a name breaks an e-mail header) or
half a character (a lone UTF-16 surrogate, which JSON can carry as "\\ud800", cannot be encoded)."""

import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
LINE_BREAK = re.compile(r"[\r\n]")

# The same rule written for the OpenAPI documents, as JSON Schema patterns. (A lone surrogate cannot
# be written in one; JSON text that carries one is refused all the same.)
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
ONE_LINE_PATTERN = r"^[^\x00-\x08\x0a-\x1f\x7f]*$"


def _texts(value, path):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, key)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, path)


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    # Long texts may have line breaks; one-line fields (names, addresses, titles) may not.
    MULTILINE = ("description", "motivation", "reason")

    @validates_schema(pass_original=True)
    def _no_control_characters(self, data, original, **_):
        errors = {}
        for field, text in _texts(data, None):
            if field is None:
                continue
            if CONTROL.search(text) or (field not in self.MULTILINE and LINE_BREAK.search(text)):
                errors.setdefault(field, []).append("Control characters are not allowed here.")
        if errors:
            raise ValidationError(errors)


def text_pattern(field: fields.Field) -> str | None:
    """The pattern that documents what BaseSchema refuses in this field's text (None: not text
    that a BaseSchema loads). An item of a list is judged by the list's name."""
    if not isinstance(field, fields.String) or field.dump_only:
        return None
    name, owner = field.name, field.parent
    while isinstance(owner, fields.Field):
        name, owner = owner.name, owner.parent
    if not isinstance(owner, BaseSchema):
        return None
    return TEXT_PATTERN if name in owner.MULTILINE else ONE_LINE_PATTERN


# An address people open from a page or an e-mail: http(s), a host of two or more labels, an
# optional port and path; or "" for none. One pattern for the check and for the document.
WEB_ADDRESS = (
    r"^(?:https?://(?:[^\x00-\x20\x7f/?#@:.]+\.)+[^\x00-\x20\x7f/?#@:.]+(?::[0-9]{1,5})?"
    r"(?:[/?#][^\x00-\x20\x7f]*)?)?$"
)


class WebAddress(fields.String):
    """An http(s) address, or "" to have none."""

    def __init__(self, **kwargs):
        metadata = {"pattern": WEB_ADDRESS, "description": "An http(s) address; empty for none"}
        super().__init__(
            validate=[validate.Length(max=500), _web_address],
            metadata={**metadata, **kwargs.pop("metadata", {})},
            **kwargs,
        )


def _web_address(value: str) -> None:
    if not re.fullmatch(WEB_ADDRESS, value):
        raise ValidationError("Give an address that starts with http:// or https://, or leave it empty.")


class StrictBoolean(fields.Boolean):
    """true or false in a JSON body, as its document says: marshmallow's Boolean also takes 0, 1,
    "yes", "on" and the like, which is for query strings and forms."""

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        if type(value) is not bool:
            raise self.make_error("invalid", input=value)
        return value
