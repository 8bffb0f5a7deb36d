"""A Core statement on a hot path (a redemption at the counter), compiled once and run with as
little between it and the database as will still behave like SQLAlchemy.

On PostgreSQL in autocommit (the statement-level units of `Database.core_unit`) it goes straight
to libpq: a named server-side prepared statement per connection, the values dumped and the row
loaded by psycopg's own (compiled) adapters, the same ones its cursors use. psycopg's cursor
machinery, skipped that way, cost some 35 µs of CPU per statement in-process and about 0.15 ms
under load (benchmarked in docs/performance.md). Inside a transaction psycopg opened (a Session)
it runs on a psycopg cursor, which sends the BEGIN; on SQLite through SQLAlchemy.

What is kept of SQLAlchemy either way: the bind processors of the statement's column types (aware
UTC datetimes, JSON), and driver errors raised as SQLAlchemy's, a lost connection invalidated.
Rows come back as plain tuples; only statements whose result columns need no conversion qualify
(checked when compiled).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from psycopg import errors as pg_errors
from psycopg import pq
from psycopg.adapt import PyFormat, Transformer
from sqlalchemy import Connection
from sqlalchemy.exc import StatementError

# SQLAlchemy's psycopg dialect writes binds as %(name)s, each with a cast to its type (::VARCHAR),
# so the server infers every parameter's type from the statement; a literal % is doubled.
_BIND = re.compile(r"%\((\w+)\)s|%%")
_names = itertools.count(1)


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str  # as SQLAlchemy compiled it, %(name)s binds: for the cursor path and error messages
    defaults: dict  # values of binds the statement itself fills in (literals)
    processors: dict  # bind name -> its column type's processor
    name: bytes  # of the prepared statement, the same on every connection of this process
    libpq_sql: bytes  # the statement with $n placeholders
    order: tuple[str, ...]  # bind name of $1, $2, …


class HotStatement:
    """See the module's docstring. `first(connection, params)` returns the first row or None."""

    def __init__(self, statement):
        self.statement = statement
        self._compiled: _Compiled | None = None

    def first(self, connection: Connection, params: dict) -> tuple | None:
        if connection.dialect.driver != "psycopg":
            row = connection.execute(self.statement, params).first()
            return tuple(row) if row is not None else None
        compiled = self._compiled or self._compile(connection.dialect)
        values = self._values(compiled, params)
        driver = connection.connection.driver_connection
        try:
            if driver.autocommit:
                return _on_libpq(connection, compiled, values)
            if not connection.in_transaction():
                connection.begin()  # what SQLAlchemy's autobegin would do, so commit() and rollback() work
            return _on_cursor(driver, compiled, values)
        except connection.dialect.loaded_dbapi.Error as error:
            # SQLAlchemy's own handling: the error wrapped as its own class, and on a lost
            # connection this one invalidated and the whole pool with it (its siblings went too).
            connection._handle_dbapi_exception(error, compiled.sql, values, None, None)

    @staticmethod
    def _values(compiled: _Compiled, params: dict) -> dict:
        values = {**compiled.defaults, **params}
        try:
            for name, process in compiled.processors.items():
                values[name] = process(values[name])
        except Exception as error:  # as SQLAlchemy reports a value its column type refuses
            raise StatementError(str(error), compiled.sql, params, error) from error
        return values

    def _compile(self, dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        if any(c.type.result_processor(dialect, None) for c in compiled._result_columns):
            raise TypeError("a HotStatement's result columns must need no conversion")
        names = compiled.bind_names.items()
        order: list[str] = []

        def placeholder(match: re.Match) -> str:
            name = match.group(1)
            if name is None:
                return "%"
            if name not in order:
                order.append(name)
            return f"${order.index(name) + 1}"

        self._compiled = _Compiled(
            sql=compiled.string,
            defaults={name: bind.effective_value for bind, name in names if not bind.required},
            processors=dict(compiled._bind_processors),
            name=f"knoop_hot_{next(_names)}".encode(),
            libpq_sql=_BIND.sub(placeholder, compiled.string).encode(),
            order=tuple(order),
        )
        return self._compiled


def _on_cursor(driver, compiled: _Compiled, values: dict) -> tuple | None:
    cursor = driver.cursor()
    try:
        cursor.execute(compiled.sql, values, prepare=True)
        return cursor.fetchone()
    finally:
        cursor.close()


class _LibpqState:
    """Per database connection (kept in the pool's `info` for it, which SQLAlchemy clears when the
    connection is replaced): the statements prepared on it, and psycopg's adapters for it."""

    __slots__ = ("adapters", "prepared")

    def __init__(self, driver):
        self.prepared: set[bytes] = set()
        self.adapters = Transformer(driver)


def _on_libpq(connection: Connection, compiled: _Compiled, values: dict) -> tuple | None:
    pooled = connection.connection
    state = pooled.info.get(_LibpqState)
    if state is None:
        state = pooled.info[_LibpqState] = _LibpqState(pooled.driver_connection)
    dumped = state.adapters.dump_sequence(
        [values[name] for name in compiled.order], [PyFormat.TEXT] * len(compiled.order)
    )  # text, as the statement's casts tell the server how to read each
    try:
        result = _execute(pooled.driver_connection, state, compiled, dumped)
    except pg_errors.InvalidSqlStatementName:  # someone DEALLOCATEd it (DISCARD ALL): once more
        state.prepared.clear()
        result = _execute(pooled.driver_connection, state, compiled, dumped)
    if result.ntuples == 0:
        return None
    state.adapters.set_pgresult(result)
    return state.adapters.load_row(0, tuple)


def _execute(driver, state: _LibpqState, compiled: _Compiled, dumped: list) -> pq.PGresult:
    pgconn = driver.pgconn
    if compiled.name not in state.prepared:
        _check(driver, pgconn.prepare(compiled.name, compiled.libpq_sql), pq.ExecStatus.COMMAND_OK)
        state.prepared.add(compiled.name)
    result = pgconn.exec_prepared(compiled.name, dumped)  # waits without holding the GIL
    _check(driver, result, pq.ExecStatus.TUPLES_OK)
    return result


def _check(driver, result: pq.PGresult, expected: pq.ExecStatus) -> None:
    if result.status != expected:  # the error as psycopg's cursor would raise it
        raise pg_errors.error_from_result(result, encoding=driver.info.encoding)
