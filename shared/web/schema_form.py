"""A page's form read with the API's own marshmallow schema: one set of rules for both.

A page posts plain form fields; `SchemaForm` turns them into the JSON types the schema expects
(checkboxes into booleans, a Dutch "3,5" into 3.5, repeated fields or a comma-separated text into
a list, the wall-clock time of a `datetime-local` input into an aware moment), checks the CSRF token
and loads them with the very schema the API loads its JSON with. Errors come back per field, in the
page's language, for the template to show beside each field; nothing the person typed is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

from flask import current_app, request
from flask_wtf.csrf import CSRFError, validate_csrf
from marshmallow import Schema, fields
from marshmallow import ValidationError as SchemaError
from wtforms.validators import ValidationError as CsrfInvalid

from shared.i18n import LOCAL_TIME, lazy_gettext

FORM_ERRORS = "_form"
LIST_SEPARATORS = re.compile(r"[,\n;]")


class SchemaForm:
    """Form values for one schema: what was typed (for re-rendering), what loaded, and the errors."""

    def __init__(
        self,
        schema: Schema,
        initial: Mapping | None = None,
        *,
        typed_lists: Iterable[str] = (),
        submitted: bool | None = None,
    ):
        self.schema = schema
        self.typed_lists = set(typed_lists)  # list fields typed as one text ("Binnenstad, Oost")
        self.submitted = request.method == "POST" if submitted is None else submitted
        self.errors: dict[str, list[str]] = {}
        self.data: dict = {}
        self.raw: dict[str, object] = (
            self._posted() if self.submitted else {k: _shown(v) for k, v in (initial or {}).items()}
        )

    # --- reading -------------------------------------------------------------------------------

    def _posted(self) -> dict[str, object]:
        raw: dict[str, object] = {}
        for name, field in self.schema.fields.items():
            key = field.data_key or name
            if field.dump_only:
                continue
            if isinstance(field, fields.List) and name not in self.typed_lists:
                raw[name] = [v for v in request.form.getlist(key) if v.strip()]
            elif isinstance(field, fields.Boolean):
                raw[name] = key in request.form and request.form[key] not in ("", "0", "false")
            elif key in request.form:
                raw[name] = request.form[key]
        return raw

    def _payload(self) -> dict:
        payload = {}
        for name, value in self.raw.items():
            field = self.schema.fields[name]
            converted = _convert(field, value, name in self.typed_lists)
            if converted is not _ABSENT:
                payload[field.data_key or name] = converted
        return payload

    def validate(self) -> bool:
        """True when the form was posted with a valid CSRF token and the schema loads it."""
        if not self.submitted:
            return False
        try:
            validate_csrf(request.form.get("csrf_token"))
        except (CSRFError, CsrfInvalid):
            self.errors[FORM_ERRORS] = [str(lazy_gettext("The form had expired. Please send it again."))]
            return False
        try:
            self.data = self.schema.load(self._payload())
        except SchemaError as exc:
            self.errors = {name: [translate(m) for m in _messages(v)] for name, v in exc.messages.items()}
            return False
        return True

    def changed(self, stored: Mapping) -> dict:
        """The loaded values that differ from `stored` as the form showed it: a moment shown to the
        minute and sent back as it was keeps its seconds, so it is no change."""
        return {
            name: value for name, value in self.data.items() if self.raw.get(name) != _shown(stored.get(name))
        }

    # --- showing -------------------------------------------------------------------------------

    def value(self, name: str):
        return self.raw.get(name)

    def text(self, name: str) -> str:
        """The value as an input shows it: lists typed as text are joined again."""
        value = self.raw.get(name)
        if value is None:
            return ""
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def chosen(self, name: str, option: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, list):
            return option in [str(v) for v in value]
        return value is not None and str(value) == str(option)

    def add_error(self, name: str, message: object) -> None:
        """An error the use case found (a name taken, a reference unknown), shown at its field."""
        self.errors.setdefault(name if name in self.schema.fields else FORM_ERRORS, []).append(str(message))

    @property
    def first_error(self) -> str | None:
        return next((name for name in self.errors if name != FORM_ERRORS), None)

    def required(self, name: str) -> bool:
        return self.schema.fields[name].required


_ABSENT = object()


def _shown(value):
    """A stored value as a form field shows it."""
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TIME).strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float) and float(value).is_integer():
        return str(int(value))
    return value


def _convert(field: fields.Field, value, typed_list: bool):
    if isinstance(field, fields.List):
        if typed_list and isinstance(value, str):
            value = [part.strip() for part in LIST_SEPARATORS.split(value) if part.strip()]
        return [_convert(field.inner, v, False) for v in value] if isinstance(value, list) else value
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text == "":
        return None if field.allow_none else ("" if isinstance(field, fields.String) else _ABSENT)
    if isinstance(field, fields.Integer) and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if isinstance(field, fields.Float | fields.Decimal | fields.Number) and re.fullmatch(
        r"[+-]?\d+([.,]\d+)?", text
    ):
        return float(text.replace(",", "."))
    if isinstance(field, fields.DateTime) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?", text):
        return _wall_clock(text)
    return value if isinstance(field, fields.String) else text


def _wall_clock(text: str) -> str:
    """A `datetime-local` value as an aware moment on the Dutch wall clock; an impossible one
    (30 February) stays text, for the schema to refuse at its field."""
    try:
        return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TIME).isoformat()
    except ValueError:
        return text


def _messages(value) -> list[str]:
    if isinstance(value, dict):  # a list field's messages per position
        return [m for inner in value.values() for m in _messages(inner)]
    return [str(m) for m in value] if isinstance(value, list) else [str(value)]


# marshmallow's own messages, as the page says them; the API keeps saying them in English.
PATTERNS: tuple[tuple[re.Pattern, Callable[[re.Match], object]], ...] = (
    (re.compile(r"Missing data for required field\."), lambda m: lazy_gettext("Fill this in.")),
    (re.compile(r"Field may not be null\."), lambda m: lazy_gettext("Fill this in.")),
    (re.compile(r"Not a valid email address\."), lambda m: lazy_gettext("Give a valid e-mail address.")),
    (re.compile(r"Not a valid integer\."), lambda m: lazy_gettext("Give a whole number.")),
    (re.compile(r"Not a valid number\."), lambda m: lazy_gettext("Give a number.")),
    (re.compile(r"Not a valid date\."), lambda m: lazy_gettext("Give a date.")),
    (re.compile(r"Not a valid datetime\."), lambda m: lazy_gettext("Give a date and time.")),
    (re.compile(r"Not a valid URL\."), lambda m: lazy_gettext("Give a web address starting with https://.")),
    (re.compile(r"Not a valid boolean\."), lambda m: lazy_gettext("Choose yes or no.")),
    (re.compile(r"Must be one of: .*"), lambda m: lazy_gettext("Choose one of the options.")),
    (
        re.compile(r"Length must be between (\d+) and (\d+)\."),
        lambda m: lazy_gettext("Use between %(min)s and %(max)s characters.", min=m[1], max=m[2]),
    ),
    (
        re.compile(r"Shorter than minimum length (\d+)\."),
        lambda m: lazy_gettext("Use at least %(min)s characters.", min=m[1]),
    ),
    (
        re.compile(r"Longer than maximum length (\d+)\."),
        lambda m: lazy_gettext("Use at most %(max)s characters.", max=m[1]),
    ),
    (
        re.compile(r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\."),
        lambda m: lazy_gettext("Give a number from %(min)s to %(max)s.", min=m[1], max=m[2]),
    ),
    (
        re.compile(r"Must be greater than or equal to (\S+)\."),
        lambda m: lazy_gettext("Give a number of at least %(min)s.", min=m[1]),
    ),
    (
        re.compile(r"Must be less than or equal to (\S+)\."),
        lambda m: lazy_gettext("Give a number of at most %(max)s.", max=m[1]),
    ),
)


def translate(message: str) -> str:
    """A schema's message in the page's language: marshmallow's stock phrases by pattern, our own
    messages through the service's catalogue."""
    for pattern, say in PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            return str(say(match))
    return current_app.extensions["knoop_catalogue"].gettext(message)
