"""A quick first look at an event before the full marshmallow load, for a hot path (a redemption at
the counter writes one event per tap).

`quick_check(schema)` turns a contract schema into a predicate that answers True only for data the
schema itself would load without an error, using the schema's own fields and validators but not
its machinery (hooks, error store, per-field closures), several times quicker for
`appreciation.pass_redeemed.v1` (docs/performance.md). It is stricter than the schema where that
is simpler (a string must be a `str`, a list a `list`), so False means "ask the schema", never
"invalid": the schema
gives the verdict and the messages then. A schema with hooks of its own (`validates_schema`,
`pre_load`, …) or a field kind it does not know gets no predicate: it is always loaded in full.
"""

from __future__ import annotations

from collections.abc import Callable

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from marshmallow.utils import missing

Check = Callable[[object], bool]


def quick_check(schema: Schema) -> Check | None:
    """A predicate for data `schema` would load, or None if the schema cannot have one."""
    if any(schema._hooks.values()) or schema.unknown != EXCLUDE or schema.many:
        return None  # its own processors decide, unknown keys would be refused, or a list is due
    checks = []
    for name, field in schema.load_fields.items():
        check = _field_check(field)
        if check is None:
            return None
        checks.append((field.data_key or name, field.required, check))

    def loads(data: object) -> bool:
        if type(data) is not dict:
            return False
        for key, required, check in checks:
            value = data.get(key, missing)
            if value is missing:
                if required:
                    return False
            elif not check(value):
                return False
        return True

    return loads


# Fields whose loaded value is the string given: only their validators differ.
_STRINGS = (fields.String, fields.Email, fields.Url)
# Fields whose own deserialize, given the value alone, decides as the schema's load would.
_SELF_CONTAINED = (
    fields.Integer,
    fields.Float,
    fields.Decimal,
    fields.Boolean,
    fields.Date,
    fields.DateTime,
    fields.AwareDateTime,
    fields.NaiveDateTime,
    fields.Time,
    fields.UUID,
)


def _field_check(field: fields.Field) -> Check | None:
    if getattr(field, "pre_load", None) or getattr(field, "post_load", None):
        return None
    kind = type(field)  # exact: a subclass (Pluck, …) may load the value differently
    if kind is fields.Nested:
        # Its validators see the loaded value (unknown keys left out, defaults filled in).
        unknown_kept = field.unknown not in (None, EXCLUDE)
        if field.many or unknown_kept or field.validators:
            return None
        inner = quick_check(field.schema)
        return None if inner is None else _allowing_none(field, inner)
    if kind is fields.List:
        # Its validators see the loaded list: only its length is sure to be the same.
        if not all(isinstance(validator, validate.Length) for validator in field.validators):
            return None
        inner = _field_check(field.inner)
        if inner is None:
            return None
        return _allowing_none(field, lambda value: type(value) is list and all(map(inner, value)))
    if kind is fields.Dict:
        return _dict_check(field)
    if kind in _STRINGS:
        return _allowing_none(field, lambda value: type(value) is str)
    if kind in _SELF_CONTAINED:
        return _deserialized(field)
    return None  # a kind that may look at the rest of the data, or load a value differently


def _dict_check(field: fields.Dict) -> Check | None:
    """A dict whose keys and values pass their fields' checks (any key or value where it names no
    field). Its validators see the loaded dict: only its size is sure to be the same."""
    if not all(isinstance(validator, validate.Length) for validator in field.validators):
        return None
    keys = _field_check(field.key_field) if field.key_field is not None else (lambda _: True)
    values = _field_check(field.value_field) if field.value_field is not None else (lambda _: True)
    if keys is None or values is None:
        return None
    return _allowing_none(
        field, lambda value: type(value) is dict and all(keys(k) and values(v) for k, v in value.items())
    )


def _allowing_none(field: fields.Field, check: Check) -> Check:
    """`check` for a value, then the field's validators; None where the field allows it."""
    validators, allow_none = tuple(field.validators), field.allow_none

    def field_check(value: object) -> bool:
        if value is None:
            return allow_none
        return check(value) and _passes(validators, value)

    return field_check


def _deserialized(field: fields.Field) -> Check:
    """Dates, numbers, booleans: the field's own deserialize, validators included."""

    def field_check(value: object) -> bool:
        try:
            field.deserialize(value)
        except ValidationError:
            return False
        return True

    return field_check


def _passes(validators: tuple, value: object) -> bool:
    try:
        return all(validator(value) is not False for validator in validators)
    except ValidationError:
        return False
