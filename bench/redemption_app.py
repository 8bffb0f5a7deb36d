"""The appreciation app as gunicorn serves it in production, plus the benchmark's baseline: an
endpoint that does one database round trip (`SELECT 1` on a pooled connection in autocommit,
from the pool the redemption's statement-level unit takes its connection from) through the same
stack (gunicorn, Flask, JSON). Through an ORM Session it would be three: psycopg
sends BEGIN before the first query, and the Session's close sends ROLLBACK."""

from flask import jsonify
from sqlalchemy import text

from services.appreciation import create_app
from shared.heap import freeze_startup_heap

app = create_app()


@app.get("/bench/one-query")
def one_query():
    with app.extensions["knoop"].db.autocommit_engine.connect() as connection:
        return jsonify({"one": connection.execute(ONE).scalar()})


ONE = text("SELECT 1")


freeze_startup_heap()  # as the services' wsgi modules do
