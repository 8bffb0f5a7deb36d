"""A moment with no UTC equivalent (the year 10000) is the caller's error, never a 500: should one
slip past the schemas, the database layer refuses it and the API answers 422."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from flask import Flask
from sqlalchemy import Column, Integer, Table, create_engine, insert

from shared.db import DateOutOfRange, UTCDateTime, make_base
from shared.web.errors import install_error_handlers

HAWAII = timezone(timedelta(hours=-10))
LATE = datetime(9999, 12, 31, 20, 0, tzinfo=HAWAII)  # 10000-01-01T06:00Z


def test_a_moment_past_the_year_9999_in_utc_is_refused_as_out_of_range():
    with pytest.raises(DateOutOfRange, match="outside the years 1 to 9999"):
        UTCDateTime().process_bind_param(LATE, None)
    assert UTCDateTime().process_bind_param(datetime(2030, 1, 1, tzinfo=HAWAII), None).tzinfo == UTC


def test_an_api_that_stores_one_answers_422_in_the_error_shape():
    table = Table(
        "moments", make_base().metadata, Column("id", Integer, primary_key=True), Column("at", UTCDateTime())
    )
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    app = Flask(__name__)
    install_error_handlers(app, "/api/test")

    @app.post("/api/test/moments")
    def store():
        with engine.begin() as connection:
            connection.execute(insert(table).values(at=LATE))
        return "", 201

    answer = app.test_client().post("/api/test/moments")
    assert answer.status_code == 422
    assert answer.get_json() == {"code": 422, "message": "A date or time is out of range.", "errors": {}}
