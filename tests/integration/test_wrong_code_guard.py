"""The wrong-code guard against a real Redis, with several web processes sharing its counters: only
wrong codes count, the limit holds across processes, and a process that has not yet seen the limit
gives a guesser at most one more try."""

import pytest
from flask import Flask

from shared.web.limits import limit_wrong_codes

pytestmark = pytest.mark.integration

LIMIT = 3


def web_process(redis_url: str) -> Flask:
    """One gunicorn worker's worth of app: a code is right ("goed") or not there (404)."""
    app = Flask(__name__)
    app.secret_key = "test"

    @app.post("/probeer/<code>")
    def attempt(code):
        return ("ingewisseld", 201) if code == "goed" else ("onbekend", 404)

    limit_wrong_codes(app, redis_url, f"{LIMIT} per hour", ["attempt"])
    return app


def tries(app: Flask, *codes: str) -> list[int]:
    client = app.test_client()
    return [client.post(f"/probeer/{code}").status_code for code in codes]


def test_right_codes_never_count(redis_url):
    app = web_process(redis_url)
    assert tries(app, *["goed"] * 10) == [201] * 10
    assert tries(app, "fout", "goed") == [404, 201]


def test_the_limit_holds_across_processes_with_at_most_one_more_try_each(redis_url):
    first, second, third = (web_process(redis_url) for _ in range(3))
    assert tries(first, "a", "b", "c", "d", "goed") == [404, 404, 404, 429, 429]
    # The others learn it from the shared count at their own next wrong code...
    assert tries(second, "e", "goed", "f") == [404, 429, 429]
    # ...and a right code before that still goes through: the one extra try per process.
    assert tries(third, "goed", "g", "goed") == [201, 404, 429]
