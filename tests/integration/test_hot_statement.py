"""HotStatement (shared/hot_statement.py): on PostgreSQL straight on libpq outside a transaction
(the statement-level units) and on a psycopg cursor inside one, on SQLite through SQLAlchemy;
every way the database gets what SQLAlchemy would send and errors are SQLAlchemy's."""

from datetime import UTC, datetime, timedelta, timezone

import psycopg
import pytest
from sqlalchemy import (
    JSON,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    insert,
    literal_column,
    select,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from shared.db import Database, UTCDateTime
from shared.hot_statement import HotStatement

pytestmark = pytest.mark.integration

metadata = MetaData()
NOTES = Table(
    "hot_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(10), unique=True),
    Column("at", UTCDateTime()),
    Column("doc", JSON),
)
ADD = HotStatement(insert(NOTES).returning(NOTES.c.id))
FIND = HotStatement(select(NOTES.c.id, NOTES.c.code).where(NOTES.c.code == bindparam("wanted")))


@pytest.fixture
def db(backend):
    db = Database(backend.fresh("appreciation"))
    metadata.create_all(db.engine)
    yield db
    db.dispose()


def engines(db):
    """Inside a transaction (a Session's connection), and on PostgreSQL also in autocommit (a
    statement-level unit's): the two ways a HotStatement runs there."""
    return [db.engine] + ([db.autocommit_engine] if db.autocommit_engine is not None else [])


def test_values_arrive_as_sqlalchemy_would_send_them(db):
    amsterdam = timezone(timedelta(hours=1))
    at = datetime(2026, 11, 23, 21, tzinfo=amsterdam)
    for n, engine in enumerate(engines(db)):
        code = f"a{n}"
        with engine.begin() as connection:
            (added,) = ADD.first(connection, {"id": n, "code": code, "at": at, "doc": {"n": [n, "é"]}})
            found = FIND.first(connection, {"wanted": code})
            missing = FIND.first(connection, {"wanted": "b"})
        with db.engine.connect() as connection:
            stored = connection.execute(select(NOTES.c.at, NOTES.c.doc).where(NOTES.c.id == n)).one()

        assert added == n and found == (n, code) and missing is None
        assert stored.at == datetime(2026, 11, 23, 20, tzinfo=UTC) and stored.doc == {"n": [n, "é"]}


def test_a_literal_percent_sign_and_a_value_used_twice(db):
    twice = HotStatement(
        select(literal_column("'50%'"), NOTES.c.id, bindparam("wanted", type_=String)).where(
            NOTES.c.code == bindparam("wanted")
        )
    )
    for n, engine in enumerate(engines(db)):
        with engine.begin() as connection:
            ADD.first(connection, {"id": 10 + n, "code": f"p{n}", "at": None, "doc": None})
            assert twice.first(connection, {"wanted": f"p{n}"}) == ("50%", 10 + n, f"p{n}")
            assert twice.first(connection, {"wanted": "none"}) is None


def _prepared_here(connection) -> list[str]:
    return list(
        connection.exec_driver_sql(
            "SELECT name FROM pg_prepared_statements WHERE name LIKE 'knoop_hot_%%'"
        ).scalars()
    )


def test_outside_a_transaction_it_runs_on_statements_prepared_by_name(postgres):
    """The libpq path: each statement prepared once per connection, under its own name."""
    db = Database(postgres.fresh("appreciation"))
    metadata.create_all(db.engine)
    with db.autocommit_engine.connect() as connection:
        assert _prepared_here(connection) == []
        ADD.first(connection, {"id": 1, "code": "a", "at": None, "doc": None})
        for _ in range(3):
            assert FIND.first(connection, {"wanted": "a"}) == (1, "a")
        assert len(_prepared_here(connection)) == 2
    db.dispose()


def test_after_a_rolled_back_atomic_block_the_next_one_still_runs(postgres):
    """psycopg drops every statement prepared on a connection after a ROLLBACK (once it has
    prepared some of its own). Inside an atomic block a statement the server has lost could not
    be prepared again (the transaction would be aborted), so there it runs on psycopg's cursor."""
    db = Database(postgres.fresh("appreciation"))
    metadata.create_all(db.engine)
    with db.core_unit() as unit:
        connection = unit.connection()
        ADD.first(connection, {"id": 1, "code": "a", "at": None, "doc": None})
        assert FIND.first(connection, {"wanted": "a"}) == (1, "a")  # prepared by name
        for _ in range(6):  # psycopg prepares a statement of its own after five runs
            connection.execute(select(NOTES.c.id).where(NOTES.c.code == bindparam("c")), {"c": "z"})
        with pytest.raises(RuntimeError), unit.atomic():
            ADD.first(connection, {"id": 2, "code": "b", "at": None, "doc": None})
            raise RuntimeError("a later step fails: the block rolls back")
        with unit.atomic():
            assert FIND.first(connection, {"wanted": "a"}) == (1, "a")
            assert FIND.first(connection, {"wanted": "b"}) is None
        assert FIND.first(connection, {"wanted": "a"}) == (1, "a")  # and outside one
    db.dispose()


def test_what_the_server_refuses_to_prepare_is_an_error_and_the_next_statement_runs(db):
    wrong = HotStatement(select(literal_column("no_such_column")).select_from(NOTES))
    for engine in engines(db):
        with engine.connect() as connection:
            with pytest.raises(DBAPIError):
                wrong.first(connection, {})
            connection.rollback()
            assert FIND.first(connection, {"wanted": "x"}) is None


def test_statements_that_return_no_rows_or_odd_parameters_are_refused_when_compiled():
    from sqlalchemy.dialects.postgresql import psycopg as postgresql_psycopg

    dialect = postgresql_psycopg.dialect()
    with pytest.raises(TypeError, match="return rows"):
        HotStatement(insert(NOTES))._compile(dialect)
    with pytest.raises(TypeError, match="plain names"):
        HotStatement(select(NOTES.c.id).where(NOTES.c.code == bindparam("a-b")))._compile(dialect)


def test_errors_are_sqlalchemys_and_the_connection_goes_on(db):
    for n, engine in enumerate(engines(db)):
        first, code = 100 * n, f"e{n}"
        with engine.connect() as connection:
            ADD.first(connection, {"id": first, "code": code, "at": None, "doc": None})
            connection.commit()
            with pytest.raises(IntegrityError):
                ADD.first(connection, {"id": first + 1, "code": code, "at": None, "doc": None})
            connection.rollback()
            with pytest.raises(StatementError, match="naive"):  # the column type's own check still runs
                ADD.first(connection, {"id": first + 2, "code": "b", "at": datetime(2026, 1, 1), "doc": None})
            with pytest.raises(StatementError, match="wanted"):
                FIND.first(connection, {})
            assert FIND.first(connection, {"wanted": code}) == (first, code)


def test_a_prepared_statement_the_server_forgot_is_prepared_again(postgres):
    """DISCARD ALL (a pooler, a reset by hand) drops the connection's prepared statements."""
    db = Database(postgres.fresh("appreciation"))
    metadata.create_all(db.engine)
    with db.autocommit_engine.connect() as connection:
        ADD.first(connection, {"id": 1, "code": "a", "at": None, "doc": None})
        connection.exec_driver_sql("DISCARD ALL")
        assert FIND.first(connection, {"wanted": "a"}) == (1, "a")
        connection.exec_driver_sql("DEALLOCATE ALL")
        assert FIND.first(connection, {"wanted": "a"}) == (1, "a")
    db.dispose()


def test_results_that_need_converting_are_refused_on_the_driver_path_only(db):
    """On PostgreSQL rows come back from the driver unconverted, so a column that needs converting
    (an aware UTC datetime) is refused when compiled; on SQLite SQLAlchemy runs it and converts."""
    at = HotStatement(select(NOTES.c.at))
    with db.engine.begin() as connection:
        ADD.first(connection, {"id": 1, "code": "a", "at": datetime(2026, 1, 1, tzinfo=UTC), "doc": None})
        if db.is_sqlite:
            assert at.first(connection, {}) == (datetime(2026, 1, 1, tzinfo=UTC),)
        else:
            with pytest.raises(TypeError, match="conversion"):
                at.first(connection, {})


@pytest.mark.parametrize("pool", ["engine", "autocommit_engine"])
def test_after_the_database_drops_every_connection_only_one_request_fails(postgres, pool):
    """As with SQLAlchemy's own execute: the first error on a lost connection invalidates the whole
    pool, so the requests after it get fresh connections (a restart or failover costs one)."""
    db = Database(postgres.fresh("appreciation"))
    metadata.create_all(db.engine)
    engine = getattr(db, pool)
    held = [engine.connect() for _ in range(3)]  # three pooled connections with live backends
    for connection in held:
        FIND.first(connection, {"wanted": "x"})
        connection.close()
    with psycopg.connect(db.url.replace("+psycopg", ""), autocommit=True) as admin:  # outside the pool
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    outcomes = []
    for _ in range(3):
        with engine.connect() as connection:
            try:
                FIND.first(connection, {"wanted": "x"})
                outcomes.append("ok")
            except DBAPIError as error:
                outcomes.append("invalidated" if error.connection_invalidated else "error")
    assert outcomes == ["invalidated", "ok", "ok"]
    db.dispose()
