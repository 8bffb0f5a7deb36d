"""Database plumbing: one engine per service, explicit transactions, portable SQLite/PostgreSQL setup."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from shared.tenancy import scope_to_networks

if TYPE_CHECKING:  # the mixins' modules import this one
    from shared.api_tokens import ApiTokenMixin
    from shared.messaging.deadletters import DeadLetterMixin
    from shared.messaging.inbox import InboxMixin
    from shared.messaging.outbox import OutboxMixin


def utcnow() -> datetime:
    """Timezone-aware now; every timestamp Knoop stores is UTC."""
    return datetime.now(UTC)


def new_id() -> str:
    """A random UUID as text: ids are safe to show and to pass between services."""
    return str(uuid.uuid4())


class DateOutOfRange(ValueError):
    """A moment that has no UTC equivalent Python can hold (after 9999-12-31T23:59:59Z, or before
    year 1): the schemas keep such values out; if one slips through, the caller gets a 422."""


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and returns them aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        try:
            return value.astimezone(UTC)
        except OverflowError:  # 9999-12-31T20:00-10:00 is in the year 10000 in UTC
            raise DateOutOfRange(f"{value.isoformat()} lies outside the years 1 to 9999 in UTC") from None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


@dataclass(frozen=True)
class Tables:
    """The infrastructure tables a service declares on its own metadata."""

    metadata: MetaData
    outbox: type[OutboxMixin]
    inbox: type[InboxMixin]
    dead_letters: type[DeadLetterMixin]
    api_tokens: type[ApiTokenMixin]


def make_base() -> type[DeclarativeBase]:
    """A fresh declarative base, so each service has its own metadata and its own migrations."""

    class Base(DeclarativeBase):
        pass

    return Base


def _sqlite_pragmas(immediate: bool):
    def on_connect(dbapi_conn, _record):
        # Let SQLAlchemy emit BEGIN itself, so write transactions can take the write lock up front.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    def on_begin(conn):
        # BEGIN IMMEDIATE avoids SQLITE_BUSY when a read transaction later wants to write.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return on_connect, on_begin


def make_engine(url: str, *, immediate: bool = True, autocommit: bool = False) -> Engine:
    """An engine for `url`; on SQLite, WAL mode and (for writers) BEGIN IMMEDIATE; on PostgreSQL
    with `autocommit`, connections that stay in autocommit for good."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10})
        on_connect, on_begin = _sqlite_pragmas(immediate)
        event.listen(engine, "connect", on_connect)
        event.listen(engine, "begin", on_begin)
        return engine
    # pool_size above the threads a process serves with (at most 8): the pool closes every
    # connection beyond pool_size when it comes back, and at 5 a busy threaded worker opened and
    # closed PostgreSQL connections all the time (a new backend costs ~ms of server CPU).
    options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    engine = create_engine(url, pool_size=10, max_overflow=10, **options)
    _ping_when_idle(engine, PING_AFTER_IDLE_SECONDS)
    return engine


# A pooled connection idle longer than this is pinged before use. SQLAlchemy's pool_pre_ping pings
# on every checkout: a round trip per request (a measurable share of a redemption at the counter,
# see docs/performance.md) for connections that were in use a moment ago. What is given up: a
# connection used within the last second, whose server went away since (a restart, a failover), is
# found dead by the request itself, which fails (500); SQLAlchemy then discards the whole pool, so
# later requests get fresh connections. Pre-pinging never closed that window completely either (the
# server may go between the ping and the query).
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn, record) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _alive(dbapi_conn, record, _proxy) -> None:
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at < idle_seconds:
            return  # just connected, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            # The pool replaces the connection and tries again (up to three times).
            raise DisconnectionError(f"pooled connection is gone: {exc}") from exc


class UnitOfWork(Protocol):
    """What a use case writes through, of either kind: the ORM unit (`Database.transaction`, a
    `UnitSession`) or the statement-level one (`Database.core_unit`, a `CoreUnit`). `info` holds the
    network it is scoped to (shared.tenancy reads it from there for both)."""

    info: dict

    def connection(self) -> Connection: ...

    def atomic(self) -> AbstractContextManager[None]:
        """The statements inside commit together or not at all."""
        ...


class UnitSession(Session):
    """The ORM unit of work: a Session, and a `UnitOfWork` (its statements already commit together
    in its one transaction, so `atomic()` adds nothing)."""

    def atomic(self) -> AbstractContextManager[None]:
        return nullcontext()


class CoreUnit:
    """The statement-level unit of work (a `UnitOfWork`): `connection()`, `info` and `atomic()` for
    statements that must commit together. See `Database.core_unit`."""

    __slots__ = ("_autocommit", "_connection", "_in_block", "info")

    def __init__(self, connection: Connection, info: dict, autocommit: bool):
        self._connection, self._autocommit, self.info = connection, autocommit, info
        self._in_block = False

    def connection(self) -> Connection:
        return self._connection

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """The statements inside commit together or not at all. A block inside a block joins it
        (an error leaves both)."""
        if not self._autocommit or self._in_block:
            yield  # one transaction already
            return
        # Sent through SQLAlchemy, so an error here is its own, and a lost connection invalidated.
        self._in_block = True
        self._connection.exec_driver_sql("BEGIN")
        try:
            yield
        except BaseException:
            with suppress(DBAPIError):  # the error that brought us here is the one to report
                self._connection.exec_driver_sql("ROLLBACK")
            raise
        else:
            self._connection.exec_driver_sql("COMMIT")
        finally:
            self._in_block = False


class Database:
    """A service's database: `transaction()` for use cases that write, `reader()` for pages that read."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url, immediate=True)
        self.read_engine = make_engine(url, immediate=False) if self.is_sqlite else self.engine
        self.Session = sessionmaker(self.engine, class_=UnitSession, expire_on_commit=False)
        self.ReadSession = sessionmaker(self.read_engine, class_=UnitSession, expire_on_commit=False)
        for sessions in (self.Session, self.ReadSession):
            scope_to_networks(sessions)
        # PostgreSQL: a pool of its own for statement-level units (core_unit): switching a pooled
        # connection to autocommit and back on every checkout cost CPU on every request.
        self.autocommit_engine = None if self.is_sqlite else make_engine(url, autocommit=True)
        # Called with a core unit's `info` after it commits (the outbox rings the relay through
        # this); sessions have their own after_commit event. Installed when the service is built.
        self.after_core_commit: list[Callable[[dict], None]] = []

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def transaction(self, network_id: str | None = None) -> Iterator[UnitSession]:
        """One unit of work: committed on success, rolled back on any error."""
        with self.Session(info={"network_id": network_id}) as session, session.begin():
            yield session

    @contextmanager
    def core_unit(self, network_id: str | None = None) -> Iterator[CoreUnit]:
        """For a use case that writes only through Core statements each of which is complete on
        its own (a redemption at the counter: one writable-CTE statement takes the slot and writes
        the event and the audit row). On PostgreSQL each statement commits by itself (autocommit:
        no BEGIN and COMMIT round trips; under READ COMMITTED a transaction would not make the
        reads before it any more consistent), and `unit.atomic()` groups statements that must
        commit together. On SQLite the whole block is one transaction (BEGIN IMMEDIATE). No ORM
        Session, identity map or flush. The relay is woken at the end if an event was written
        (`Outbox.staged`), through `after_core_commit`, as the Session's after_commit event does."""
        autocommit = self.autocommit_engine
        connecting = self.engine.begin() if autocommit is None else autocommit.connect()
        with connecting as connection:
            unit = CoreUnit(connection, {"network_id": network_id}, autocommit=not self.is_sqlite)
            yield unit
        for hook in self.after_core_commit:
            hook(unit.info)

    @contextmanager
    def reader(self, network_id: str | None = None) -> Iterator[UnitSession]:
        """A session for reading; nothing it changes is committed. Loaded objects stay readable
        after the block (closing detaches them without expiring them)."""
        with self.ReadSession(info={"network_id": network_id}) as session:
            yield session

    def forget_inherited_connections(self) -> None:
        """In a forked child: leave the parent's pooled connections to the parent (SQLAlchemy's
        rule for forks); this process opens its own."""
        for engine in {self.engine, self.read_engine, self.autocommit_engine} - {None}:
            engine.dispose(close=False)

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()
        if self.autocommit_engine is not None:
            self.autocommit_engine.dispose()
