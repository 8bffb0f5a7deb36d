"""Request bodies, judged in every app before a view reads them. A body may be at most
`max_body_bytes` long (the CSV imports: `max_upload_bytes`), else 413. A JSON body must be JSON
as RFC 8259 has it, else 400: arrays and objects nested at most MAX_JSON_DEPTH deep (Python's
parser gives up on a thousand with a RecursionError, a 500), no key twice in one object (which
value would count?), no NaN or Infinity, UTF-8. It is parsed here once; `json_body()` hands the
result to views that read the body themselves."""

from __future__ import annotations

import json
import re
from itertools import accumulate

from flask import Flask, g, request
from flask_smorest import abort
from werkzeug.exceptions import RequestEntityTooLarge

MAX_JSON_DEPTH = 32

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 and, read as signed bytes, -1


class JsonRefused(ValueError):
    """The body is not JSON as Knoop takes it; the message says why, for the caller."""


def nesting_depth(data: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest; brackets inside strings do not count."""
    steps = _STRING.sub(b"", data).translate(_STEP, _NOT_A_BRACKET)
    return max(accumulate(memoryview(steps).cast("b")), default=0)


def too_deep(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    # Counting is C-fast: with no more opening brackets than the limit, no scan is needed.
    return data.count(b"[") + data.count(b"{") > limit and nesting_depth(data) > limit


def _object(pairs: list) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise JsonRefused(f"The key {json.dumps(twice)} appears more than once in one object.")
    return obj


def _constant(name: str):
    raise JsonRefused(f"{name} is not a JSON number.")


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_constant)


def loads(data: bytes):
    """The value of a JSON body, or JsonRefused saying what is wrong with it."""
    if too_deep(data):
        raise JsonRefused(f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.")
    try:
        return _DECODER.decode(data.decode())  # UTF-8, strictly, as webargs reads it
    except JsonRefused:
        raise
    except ValueError:  # not UTF-8 (UnicodeDecodeError), or not JSON
        raise JsonRefused("Invalid JSON body.") from None


def json_body(default=None):
    """The request's JSON body as the check parsed it; `default` for an empty or non-JSON body."""
    return g.get("knoop_json", default)


def allow_uploads(app: Flask, endpoints: list[str]) -> None:
    """Let `endpoints` (CSV imports) take bodies up to `max_upload_bytes` instead."""
    app.extensions["knoop_uploads"].update(endpoints)


def install_body_limits(app: Flask, max_body_bytes: int, max_upload_bytes: int) -> None:
    """Refuse, before any view, a body over its limit (413) and JSON that `loads` refuses (400)."""
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    uploads: set[str] = set()
    app.extensions["knoop_uploads"] = uploads

    @app.before_request
    def _judge_body():
        if request.endpoint in uploads:
            request.max_content_length = max_upload_bytes
        limit = request.max_content_length
        if (request.content_length or 0) > limit:
            raise RequestEntityTooLarge(f"The request body may be at most {limit} bytes.")
        if request.is_json and request.routing_exception is None:  # else 404 or 405 says more
            data = request.get_data(cache=True)  # a stream without a length: 413 past the limit
            if data:
                try:
                    g.knoop_json = loads(data)
                except JsonRefused as exc:
                    abort(400, message=str(exc), messages={"json": [str(exc)]})
        return None
