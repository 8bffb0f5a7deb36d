"""The JSON a request body may hold: its depth measured without parsing, keys once, no NaN."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.web.bodies import MAX_JSON_DEPTH, JsonRefused, loads, nesting_depth, too_deep

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=st.sampled_from('ab[]{}"\\:,\u00e9')),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=30,
)


def depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


@given(VALUES, st.booleans())
def test_the_depth_is_measured_as_the_parser_would_nest(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert nesting_depth(text) == depth(value)


def test_brackets_inside_strings_do_not_count():
    assert nesting_depth(b'{"a": "[[[[{{{{\\"[[[", "b": [1, "]]]"]}') == 2
    assert not too_deep(b'["' + b"[" * 100 + b'"]')


def test_a_body_deeper_than_the_limit_is_refused_before_parsing():
    assert loads(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH) is not None
    with pytest.raises(JsonRefused, match="nested more than 32"):
        loads(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(JsonRefused, match="nested"):
        loads(b"[" * (MAX_JSON_DEPTH + 1))  # refused for its depth, before it is found unfinished


@pytest.mark.parametrize(
    "body, says",
    [
        (b'{"a": 1, "a": 2}', '"a" appears more than once'),
        (b'[{"x": {"b": 1, "b": 1}}]', '"b" appears more than once'),
        (b'{"a": NaN}', "NaN is not a JSON number"),
        (b"[-Infinity]", "-Infinity is not a JSON number"),
        (b'{"a": "\xff"}', "Invalid JSON body"),
        (b"{not json", "Invalid JSON body"),
    ],
)
def test_what_python_would_accept_or_crash_on_is_refused_with_a_reason(body, says):
    with pytest.raises(JsonRefused, match=says):
        loads(body)
