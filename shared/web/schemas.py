"""The one project base Schema: unknown fields are an error, not silently dropped, and no text may
carry control characters (a NUL breaks PostgreSQL, a CR/LF in a name breaks an e-mail header) or
half a character (a lone UTF-16 surrogate, which JSON can carry as "\\ud800", cannot be encoded)."""

import re

from marshmallow import RAISE, Schema, ValidationError, validates_schema

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
LINE_BREAK = re.compile(r"[\r\n]")


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
