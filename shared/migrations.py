"""Alembic per service: each service keeps its own migrations next to its models."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, create_engine, event

# The advisory lock every migration of this database takes first (any constant of our own: it names
# the lock, and each database has its own advisory locks).
MIGRATION_LOCK = 0x6B6E6F6F70  # "knoop"


def alembic_config(script_location: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


# Where a database stands to this release's migrations (schema_state).
CURRENT, BEHIND, AHEAD = "current", "behind", "ahead"
log = logging.getLogger(__name__)


def upgrade(script_location: Path, database_url: str) -> None:
    """Bring the service's database to the newest schema; one a newer release migrated is left as
    it is (a rollback: this release runs on it, and downgrades are never run by themselves)."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            heads = database_heads(connection)
    finally:
        engine.dispose()
    if schema_state(script_location, heads) == AHEAD:
        log.warning("database at %s, newer than this release's migrations: left as it is", sorted(heads))
        return
    command.upgrade(alembic_config(script_location, database_url), "head")


def schema_state(script_location: Path, heads: frozenset[str]) -> str:
    """CURRENT at this release's head; AHEAD at a revision it does not know (a newer release's);
    BEHIND otherwise (empty, or at an older revision of its own)."""
    script = ScriptDirectory(str(script_location))
    if heads == frozenset(script.get_heads()):
        return CURRENT
    known = {revision.revision for revision in script.walk_revisions()}
    return AHEAD if heads and not heads <= known else BEHIND


def database_heads(connection: Connection) -> frozenset[str]:
    """The revisions the database says it is at; none for an empty, never migrated database."""
    return frozenset(MigrationContext.configure(connection).get_current_heads())


def run_env(context, metadata: MetaData, unmanaged: tuple[str, ...] = ()) -> None:
    """The body of every service's migrations/env.py (online mode; SQLite in batch mode).
    Objects whose names start with one of `unmanaged` (e.g. a full-text index only some databases
    have) are left out of autogenerate: their migrations are written by hand."""
    from shared.db import make_engine

    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url, immediate=False)
    if url.startswith("sqlite"):
        # Batch migrations rebuild tables (copy, drop, rename); with foreign keys enforced, dropping a
        # referenced table fails. They are switched off for the migration and checked afterwards.
        event.listen(engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA foreign_keys=OFF"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=url.startswith("sqlite"),
            compare_type=True,
            include_object=lambda obj, name, *_: not (name or "").startswith(unmanaged or ("\0",)),
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Two releases starting at once (two pods, two `db-upgrade` runs) would both create
                # the same tables and one fail half-way; the second waits here until the first has
                # committed, then finds the schema at head and does nothing. Held until commit.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            context.run_migrations()
        if url.startswith("sqlite"):
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            connection.rollback()
            if broken:
                raise RuntimeError(f"migration left rows pointing nowhere: {broken[:5]}")
    engine.dispose()
