"""The appreciation app as gunicorn serves it in production, plus the benchmark's baseline: an
endpoint that does one database round trip through the same stack (session, tenancy, JSON)."""

from flask import jsonify
from sqlalchemy import text

from services.appreciation import create_app
from shared.heap import freeze_startup_heap

app = create_app()


@app.get("/bench/one-query")
def one_query():
    with app.extensions["knoop"].db.reader() as session:
        return jsonify({"one": session.execute(text("SELECT 1")).scalar()})


freeze_startup_heap()  # as the services' wsgi modules do
