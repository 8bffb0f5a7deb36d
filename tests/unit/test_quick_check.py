"""The quick look at an event (shared/contracts/quick_check.py) never passes what the contract
refuses, and passes what producers write, so the hot path does not fall back to the full load."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from services.notifications.samples import SAMPLES
from shared import contracts
from shared.contracts.quick_check import quick_check

EVENT_TYPES = sorted(contracts.CONTRACTS)


def _schema(event_type):
    return contracts.schema_for(event_type)


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_contract_has_a_quick_check_that_passes_what_producers_write(event_type):
    check = quick_check(_schema(event_type))
    assert check is not None
    assert check(contracts.build(event_type, SAMPLES[event_type]))


REDEEMED = "appreciation.pass_redeemed.v1"


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("offer_title"),
        lambda d: d.update(offer_title=None),
        lambda d: d.update(offer_title=7),
        lambda d: d.update(redeemed_at="2026-11-23T19:30:00"),  # no time zone
        lambda d: d.update(redeemed_at="yesterday"),
        lambda d: d.update(holder="Joop"),
        lambda d: d["holder"].update(email="not an address"),
        lambda d: d["holder"].update(language="de"),
        lambda d: d["holder"].pop("name"),
    ],
)
def test_what_the_contract_refuses_the_quick_check_does_not_pass(change):
    data = contracts.build(REDEEMED, SAMPLES[REDEEMED])
    change(data)
    assert _schema(REDEEMED).validate(data)
    assert not quick_check(_schema(REDEEMED))(data)
    with pytest.raises(contracts.ContractViolation):
        contracts.check(REDEEMED, data)


def test_a_list_shorter_than_its_contract_allows_is_not_passed():
    event_type = "recruitment.login_link_requested.v1"
    data = {**contracts.build(event_type, SAMPLES[event_type]), "links": []}
    assert not quick_check(_schema(event_type))(data)


def test_schemas_that_decide_for_themselves_get_no_quick_check():
    class WithItsOwnRule(Schema):
        a = fields.String()

        @validates_schema
        def _rule(self, data, **_):
            raise ValidationError("never")

    class RefusingUnknownKeys(Schema):
        class Meta:
            unknown = RAISE

        a = fields.String()

    class ValidatingTheLoadedList(Schema):
        class Meta:
            unknown = "exclude"

        a = fields.List(fields.String(), validate=lambda value: value != ["x"])

    class Inner(Schema):
        class Meta:
            unknown = "exclude"

        a = fields.String()

    class Exotic(Schema):
        class Meta:
            unknown = "exclude"

        a = fields.Nested(WithItsOwnRule)

    class MeasuringTheLoadedDict(Schema):  # unknown keys are gone by the time Length looks
        class Meta:
            unknown = "exclude"

        a = fields.Nested(Inner, validate=validate.Length(min=2))

    class Plucking(Schema):  # loads {"a": value}, not the value
        class Meta:
            unknown = "exclude"

        a = fields.Pluck(Inner, "a")

    schemas = (
        WithItsOwnRule(),
        RefusingUnknownKeys(),
        ValidatingTheLoadedList(),
        Exotic(),
        MeasuringTheLoadedDict(),
        Plucking(),
        Inner(many=True),
    )
    for schema in schemas:
        assert quick_check(schema) is None, type(schema).__name__


# Values of every JSON kind and then some, put anywhere in a sample: wherever the quick check
# passes one, the contract's own load must pass it too.
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "nl",
            "en",
            "de",
            "joop@example.org",
            "@example.org",
            "2026-11-23T19:30:00+00:00",
            "2026-11-23T19:30:00",
            "2026-11-23",
            "https://example.org/x",
            "5b7c1a52-0000-4000-8000-000000000021",
        ]
    ),
    st.lists(st.sampled_from(["a", 1, None, {"label": "x", "url": "https://e.org"}]), max_size=3),
    st.dictionaries(st.sampled_from(["name", "email", "language", "label", "url"]), st.text(max_size=6)),
)


def _paths(value, prefix=()):
    """Every place in a sample: keys of dicts and items of lists, nested ones too."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*prefix, key)
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield (*prefix, index)
            yield from _paths(inner, (*prefix, index))


def _changed(data, path, value, remove):
    data = copy.deepcopy(data)
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    if remove and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


@settings(max_examples=400, deadline=None)
@given(event_type=st.sampled_from(EVENT_TYPES), data=st.data())
def test_the_quick_check_never_passes_what_the_contract_refuses(event_type, data):
    schema = _schema(event_type)
    sample = contracts.build(event_type, SAMPLES[event_type])
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(_paths(sample))
        if not paths:  # every key removed
            break
        path = data.draw(st.sampled_from(paths))
        sample = _changed(sample, path, data.draw(ODD_VALUES), data.draw(st.booleans()))
    if quick_check(schema)(sample):
        assert schema.validate(sample) == {}
