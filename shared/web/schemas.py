"""The one project base Schema: unknown fields are an error, not silently dropped, and no text may
carry control characters (a NUL breaks PostgreSQL, a CR/LF in a name breaks an e-mail header) or
half a character (a lone UTF-16 surrogate, which JSON can carry as "\\ud800", cannot be encoded).

And the fields every date, time and number a body carries is read with, each with a plausible
range: a day or a moment between FIRST_DAY and LAST_DAY (a year 1 or 9999 is a typing error, and
one that overflows when it is converted to UTC), numbers as JSON writes them ("12" is text, 12.0
not a whole number, true not a number at all) within the bounds their field names."""

import re
from datetime import date, datetime

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)

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


def _with(kwargs: dict, *validators) -> dict:
    given = kwargs.get("validate") or []
    return {**kwargs, "validate": [*validators, *(given if isinstance(given, list | tuple) else [given])]}


def _plausible(field: fields.Field, value):
    """`value` if it is not a bool (JSON's true and false are no numbers; Python counts them as 1, 0)."""
    if isinstance(value, bool):
        raise field.make_error("invalid", input=value)
    return value


# The same range written for the OpenAPI documents: a JSON Schema cannot bound a date, a pattern can.
DAY_PATTERN = r"^(?:20[0-9]{2}|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"


class PlausibleDate(fields.Date):
    """A day between FIRST_DAY and LAST_DAY."""

    def __init__(self, **kwargs):
        error = f"Give a day between {FIRST_DAY} and {LAST_DAY}."
        kwargs["metadata"] = {"pattern": DAY_PATTERN + "$", **kwargs.get("metadata", {})}
        super().__init__(**_with(kwargs, validate.Range(FIRST_DAY, LAST_DAY, error=error)))


class PlausibleDateTime(fields.AwareDateTime):
    """A moment with its offset (naive ones are refused) on a day between FIRST_DAY and LAST_DAY,
    as written (judged before any conversion, so a moment near either end cannot overflow)."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"pattern": DAY_PATTERN + "T", **kwargs.get("metadata", {})}
        super().__init__(**_with(kwargs, _on_a_plausible_day))


def _on_a_plausible_day(moment: datetime) -> None:
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise ValidationError(f"Give a moment between {FIRST_DAY} and {LAST_DAY} (with its UTC offset).")


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
