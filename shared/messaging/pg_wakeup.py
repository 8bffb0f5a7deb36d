"""The relay's doorbell on PostgreSQL: the database rings it itself.

A trigger on the outbox table NOTIFYs the service's channel for every event row written, and
PostgreSQL delivers a notification only when its transaction commits (a rolled-back event rings
nothing) and folds repeats within one transaction into one. The relay LISTENs on that channel. So a
committing request writes nothing anywhere else: no Redis write after commit, which cost a
redemption at the counter about a tenth of a millisecond of CPU, and no window between the commit
and the ring in which a crash loses the ring. SQLite keeps the Redis doorbell (`RelayWakeup`).
"""

from __future__ import annotations

import psycopg
from sqlalchemy.engine import make_url

OUTBOX_TABLE = "outbox"
CONNECT_TIMEOUT_SECONDS = 5


def outbox_channel(service: str) -> str:
    return f"knoop_outbox_{service}"


def _function(service: str) -> str:
    return f"knoop_outbox_notify_{service}"


def install_outbox_trigger(op, service: str) -> None:
    """For a migration: NOTIFY the service's channel for every outbox row (PostgreSQL only)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE OR REPLACE FUNCTION {_function(service)}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{outbox_channel(service)}', ''); RETURN NULL; END $$"
    )
    # FOR EACH ROW: an INSERT … SELECT that writes no row (a slot already taken) rings nothing.
    op.execute(
        f"CREATE TRIGGER {OUTBOX_TABLE}_notify AFTER INSERT ON {OUTBOX_TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {_function(service)}()"
    )


def drop_outbox_trigger(op, service: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {OUTBOX_TABLE}_notify ON {OUTBOX_TABLE}")
    op.execute(f"DROP FUNCTION IF EXISTS {_function(service)}()")


class PostgresWakeup:
    """The relay's side: LISTEN on the service's channel, on a connection of its own."""

    def __init__(self, database_url: str, service: str):
        url = make_url(database_url).set(drivername="postgresql")
        self.conninfo = url.render_as_string(hide_password=False)
        self.channel = outbox_channel(service)
        self._listening: psycopg.Connection | None = None

    def ring(self) -> None:
        """Ring by hand (the operator's replay marks rows unsent: no INSERT, so no trigger)."""
        with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
            conn.execute("SELECT pg_notify(%s, '')", (self.channel,))

    def wait(self, timeout: float) -> bool:
        """Block until rung or `timeout` seconds pass; True if rung. Several rings count as one.
        Right after (re)connecting it returns True at once: what was committed before LISTEN
        rang nobody, so the caller sweeps again. A lost connection is raised, and the next call
        connects anew."""
        if self._listening is None or self._listening.closed:
            self._listening = self._listen()
            return True
        try:
            rung = any(True for _ in self._listening.notifies(timeout=max(timeout, 0.01), stop_after=1))
            if rung:  # fold the rings already here into this one
                for _ in self._listening.notifies(timeout=0.0):
                    pass
            return rung
        except psycopg.Error:
            self.close()
            raise

    def _listen(self) -> psycopg.Connection:
        # TCP keepalives: a connection that died without a word is noticed, not waited on for ever
        # (the relay's periodic sweep sends the events meanwhile).
        conn = psycopg.connect(
            self.conninfo,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            keepalives=1,
            keepalives_idle=30,
            keepalives_interval=10,
            keepalives_count=3,
        )
        conn.execute(f'LISTEN "{self.channel}"')
        return conn

    def close(self) -> None:
        if self._listening is not None:
            self._listening.close()
            self._listening = None
