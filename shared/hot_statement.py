"""A Core statement on a hot path (a redemption at the counter), compiled once and run with as
little between it and the database as will still behave like SQLAlchemy.

On PostgreSQL, outside a transaction on an autocommit connection (the statement-level units of
`Database.core_unit`), it goes straight to libpq: a named server-side prepared statement per
connection, the values dumped and the row loaded by psycopg's own (compiled) adapters, the ones
its cursors use. psycopg's cursor machinery, skipped that way, was a measurable share of a
redemption's CPU, in-process and more so under load (docs/performance.md). Inside a transaction (a
Session's, or a unit's atomic block) it runs on a psycopg cursor: psycopg sends the BEGIN, and it
drops every statement prepared on the connection after a ROLLBACK (DEALLOCATE ALL), which a
statement inside a transaction could not recover from. On SQLite it runs through SQLAlchemy.

What is kept of SQLAlchemy every way: the bind processors of the statement's column types (aware
UTC datetimes, JSON), and driver errors raised as SQLAlchemy's, a lost connection invalidated.
Rows come back as plain tuples; only statements that return rows whose columns need no conversion
qualify (checked when compiled).
"""

from __future__ import annotations

import itertools
import re
from contextlib import suppress
from dataclasses import dataclass

import psycopg
from psycopg import errors as pg_errors
from psycopg import pq
from psycopg.adapt import PyFormat, Transformer
from sqlalchemy import Connection
from sqlalchemy.exc import StatementError

# SQLAlchemy's psycopg dialect writes binds as %(name)s, each with a cast to its type (::VARCHAR)
# but booleans, whose type the server infers from where they stand; a literal % is doubled.
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
            if driver.autocommit and driver.pgconn.transaction_status == pq.TransactionStatus.IDLE:
                return _on_libpq(connection, compiled, values)
            if not driver.autocommit and not connection.in_transaction():
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
            for name in compiled.order:
                process = compiled.processors.get(name)
                values[name] = values[name] if process is None else process(values[name])
        except Exception as error:  # as SQLAlchemy reports a value missing or refused by its type
            raise StatementError(f"{type(error).__name__}: {error}", compiled.sql, params, error) from error
        return values

    def _compile(self, dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        if not compiled._result_columns:
            raise TypeError("a HotStatement must return rows (an INSERT: add RETURNING)")
        if any(c.type.result_processor(dialect, None) for c in compiled._result_columns):
            raise TypeError("a HotStatement's result columns must need no conversion")
        order: list[str] = []

        def placeholder(match: re.Match) -> str:
            name = match.group(1)
            if name is None:
                return "%"
            if name not in order:
                order.append(name)
            return f"${order.index(name) + 1}"

        libpq_sql = _BIND.sub(placeholder, compiled.string)
        if compiled.escaped_bind_names or "%(" in libpq_sql or not libpq_sql.isascii():
            raise TypeError("a HotStatement's parameters must be plain names, its text ASCII")
        self._compiled = _Compiled(
            sql=compiled.string,
            defaults={
                name: bind.effective_value for bind, name in compiled.bind_names.items() if not bind.required
            },
            processors=dict(compiled._bind_processors),
            name=f"knoop_hot_{next(_names)}".encode(),
            libpq_sql=libpq_sql.encode(),
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
    except pg_errors.InvalidSqlStatementName:
        # Dropped on the server: DISCARD ALL, or psycopg's DEALLOCATE ALL after a ROLLBACK on this
        # connection. Outside a transaction (always, here), preparing again is safe.
        state.prepared.clear()
        result = _execute(pooled.driver_connection, state, compiled, dumped)
    if result.ntuples == 0:
        return None
    state.adapters.set_pgresult(result)
    return state.adapters.load_row(0, tuple)


def _execute(driver, state: _LibpqState, compiled: _Compiled, dumped: list) -> pq.PGresult:
    pgconn = driver.pgconn
    if compiled.name not in state.prepared:
        # Already there: prepared before we could note it; the name is this statement's in this process.
        with suppress(pg_errors.DuplicatePreparedStatement):
            _check(driver, pgconn.prepare(compiled.name, compiled.libpq_sql), pq.ExecStatus.COMMAND_OK)
        state.prepared.add(compiled.name)
    result = pgconn.exec_prepared(compiled.name, dumped)  # waits without holding the GIL
    _check(driver, result, pq.ExecStatus.TUPLES_OK)
    return result


def _check(driver, result: pq.PGresult, expected: pq.ExecStatus) -> None:
    if result.status == expected:
        return
    if driver.pgconn.status == pq.ConnStatus.BAD and not result.error_field(pq.DiagnosticField.SQLSTATE):
        # Lost without a word from the server: as psycopg reports it
        raise psycopg.OperationalError(result.get_error_message(driver.info.encoding) or "connection lost")
    raise pg_errors.error_from_result(result, encoding=driver.info.encoding)
