"""Database plumbing: one engine per service, explicit transactions, portable SQLite/PostgreSQL setup."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Timezone-aware now; every timestamp Knoop stores is UTC."""
    return datetime.now(UTC)


def new_id() -> str:
    """A random UUID as text: ids are safe to show and to pass between services."""
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and returns them aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


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


def make_engine(url: str, *, immediate: bool = True) -> Engine:
    """An engine for `url`; on SQLite, WAL mode and (for writers) BEGIN IMMEDIATE."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10})
        on_connect, on_begin = _sqlite_pragmas(immediate)
        event.listen(engine, "connect", on_connect)
        event.listen(engine, "begin", on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    """A service's database: `transaction()` for use cases that write, `reader()` for pages that read."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url, immediate=True)
        self.read_engine = make_engine(url, immediate=False) if self.is_sqlite else self.engine
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        self.ReadSession = sessionmaker(self.read_engine, expire_on_commit=False)
        self.after_outbox_commit: Callable[[], None] | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def transaction(self, network_id: str | None = None) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        info = {"network_id": network_id, "after_outbox_commit": self.after_outbox_commit}
        with self.Session(info=info) as session, session.begin():
            yield session

    @contextmanager
    def reader(self, network_id: str | None = None) -> Iterator[Session]:
        """A session for reading; nothing it changes is committed. Loaded objects stay readable
        after the block (closing detaches them without expiring them)."""
        with self.ReadSession(info={"network_id": network_id}) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()
