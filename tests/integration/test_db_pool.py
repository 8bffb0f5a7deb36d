"""PostgreSQL connections from the pool: pinged only after they sat idle (shared/db.py)."""

import psycopg
import pytest
from sqlalchemy import text

from shared import db as shared_db

pytestmark = pytest.mark.integration


@pytest.fixture
def url(postgres) -> str:
    """The server's own URL: skipped without PostgreSQL, failed where KNOOP_REQUIRE_POSTGRES asks for it."""
    return postgres.admin_url


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def _pings(engine) -> list:
    pinged, ping = [], engine.dialect.do_ping
    engine.dialect.do_ping = lambda dbapi_conn: pinged.append(1) or ping(dbapi_conn)
    return pinged


def test_a_pooled_connection_whose_server_ended_it_while_idle_is_replaced_unnoticed(url, monkeypatch):
    monkeypatch.setattr(shared_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    engine = shared_db.make_engine(url)
    try:
        first = _backend_pid(engine)
        with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as admin:  # a restart, in short
            admin.execute("SELECT pg_terminate_backend(%s)", [first])

        assert _backend_pid(engine) != first
    finally:
        engine.dispose()


def test_a_connection_in_use_a_moment_ago_is_not_pinged_again(url):
    engine = shared_db.make_engine(url)
    try:
        pinged = _pings(engine)
        pids = {_backend_pid(engine) for _ in range(5)}

        assert len(pids) == 1 and pinged == []
    finally:
        engine.dispose()


def test_a_connection_idle_for_longer_is_pinged_before_use(url, monkeypatch):
    monkeypatch.setattr(shared_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    engine = shared_db.make_engine(url)
    try:
        pinged = _pings(engine)
        _backend_pid(engine)  # a new connection: just connected, no ping
        _backend_pid(engine)

        assert pinged == [1]
    finally:
        engine.dispose()
