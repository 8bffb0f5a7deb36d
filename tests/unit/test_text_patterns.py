"""The patterns the OpenAPI documents show for text say exactly what BaseSchema refuses, and a web
address is checked by the pattern its document shows."""

import re

import pytest
from marshmallow import ValidationError, fields

from shared.web.schemas import (
    CONTROL,
    LINE_BREAK,
    ONE_LINE_PATTERN,
    TEXT_PATTERN,
    BaseSchema,
    WebAddress,
    text_pattern,
)

CHARACTERS = [chr(c) for c in range(0x3000) if not 0xD800 <= c <= 0xDFFF]


def json_schema_match(pattern: str, text: str) -> bool:
    return re.search(pattern.replace("$", r"\Z"), text) is not None


def test_the_multiline_pattern_refuses_what_base_schema_refuses():
    for c in CHARACTERS:
        assert json_schema_match(TEXT_PATTERN, f"a{c}b") == (CONTROL.search(c) is None), repr(c)


def test_the_one_line_pattern_also_refuses_line_breaks():
    for c in CHARACTERS:
        allowed = CONTROL.search(c) is None and LINE_BREAK.search(c) is None
        assert json_schema_match(ONE_LINE_PATTERN, f"a{c}b") == allowed, repr(c)


class Site(BaseSchema):
    url = WebAddress()


@pytest.mark.parametrize(
    "address", ["", "https://example.org", "http://www.zonnebloem.nl:8080/enkhuizen?x=1#top"]
)
def test_a_web_address_may_be_http_or_https_or_empty(address):
    assert Site().load({"url": address}) == {"url": address}
    assert json_schema_match(Site().fields["url"].metadata["pattern"], address)


@pytest.mark.parametrize(
    "address",
    ["javascript:alert(1)", "ftp://example.org", "http://localhost", "https://exa mple.org", "x" * 501],
)
def test_anything_else_is_refused_by_the_check_and_by_the_pattern(address):
    with pytest.raises(ValidationError):
        Site().load({"url": address})
    if len(address) <= 500:
        assert not json_schema_match(Site().fields["url"].metadata["pattern"], address)


def test_an_item_of_a_list_is_judged_by_the_name_of_its_list():
    class Texts(BaseSchema):
        MULTILINE = ("notes",)
        notes = fields.List(fields.String())
        tags = fields.List(fields.String())

    schema = Texts()
    assert text_pattern(schema.fields["notes"].inner) == TEXT_PATTERN
    assert text_pattern(schema.fields["tags"].inner) == ONE_LINE_PATTERN
