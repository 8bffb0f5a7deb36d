"""Pages and the API must not drift: a page's form offers every field the API's schema loads."""

from __future__ import annotations

from html.parser import HTMLParser

from marshmallow import Schema

IGNORED = {"csrf_token", "next"}


class _Names(HTMLParser):
    def __init__(self, action: str | None):
        super().__init__()
        self.action, self.inside, self.names = action, action is None, set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is not None:
            self.inside = attrs.get("action", "") == self.action
        elif self.inside and tag in ("input", "select", "textarea") and attrs.get("name"):
            self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form" and self.action is not None:
            self.inside = False


def form_fields(html: str, action: str | None = None) -> set[str]:
    """The names of the fields of the form posting to `action` (every form when None)."""
    parser = _Names(action)
    parser.feed(html)
    return parser.names - IGNORED


def schema_fields(schema: Schema) -> set[str]:
    """The names the schema loads (what the API takes)."""
    return {f.data_key or name for name, f in schema.fields.items() if not f.dump_only}


def assert_form_offers_schema(html: str, schema: Schema, action: str | None = None, leave_out=()) -> None:
    """The form offers exactly the schema's fields (but those named in `leave_out`, with a reason
    in the calling test), and nothing the API would refuse."""
    offered, taken = form_fields(html, action), schema_fields(schema) - set(leave_out)
    assert offered == taken, f"only on the page: {offered - taken}; only in the API: {taken - offered}"
