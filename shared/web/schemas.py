"""The one project base Schema: unknown fields are an error, not silently dropped, and no text may
carry control characters (a NUL breaks PostgreSQL, a CR/LF in a name breaks an e-mail header) or
half a character (a lone UTF-16 surrogate, which JSON can carry as "\\ud800", cannot be encoded).

And the fields every date, time and number a body carries is read with, each with a plausible
range: a day or a moment between FIRST_DAY and LAST_DAY (a year 1 or 9999 is a typing error, and
one that overflows when it is converted to UTC), numbers as JSON writes them ("12" is text, 12.0
not a whole number, true not a number at all) within the bounds their field names."""

import re
from datetime import UTC, date, datetime, time

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
FIRST_MOMENT = datetime.combine(FIRST_DAY, time.min, UTC)
LAST_MOMENT = datetime.combine(LAST_DAY, time.max, UTC)

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


def _with(kwargs: dict, *validators) -> dict:
    given = kwargs.get("validate") or []
    return {**kwargs, "validate": [*validators, *(given if isinstance(given, list | tuple) else [given])]}


def _plausible(field: fields.Field, value):
    """`value` if it is not a bool (JSON's true and false are no numbers; Python counts them as 1, 0)."""
    if isinstance(value, bool):
        raise field.make_error("invalid", input=value)
    return value


class PlausibleDate(fields.Date):
    """A day between FIRST_DAY and LAST_DAY."""

    def __init__(self, **kwargs):
        error = f"Give a day between {FIRST_DAY} and {LAST_DAY}."
        super().__init__(**_with(kwargs, validate.Range(FIRST_DAY, LAST_DAY, error=error)))


class PlausibleDateTime(fields.AwareDateTime):
    """A moment with its offset (naive ones are refused), between FIRST_DAY and LAST_DAY in UTC."""

    def __init__(self, **kwargs):
        error = f"Give a moment between {FIRST_DAY} and {LAST_DAY} (with its UTC offset)."
        super().__init__(**_with(kwargs, validate.Range(FIRST_MOMENT, LAST_MOMENT, error=error)))


class WholeNumber(fields.Integer):
    """A whole number from `low` to `high`, written as a JSON number (not "12", 12.0 or true)."""

    def __init__(self, low: int, high: int, **kwargs):
        super().__init__(strict=True, **_with(kwargs, validate.Range(low, high)))

    def _validated(self, value):
        return super()._validated(_plausible(self, value))


class Number(fields.Float):
    """A number from `low` to `high`, written as a JSON number (not "1.5" or true; never NaN)."""

    def __init__(self, low: float, high: float, **kwargs):
        super().__init__(allow_nan=False, **_with(kwargs, validate.Range(low, high)))

    def _validated(self, value):
        if isinstance(_plausible(self, value), str):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)
