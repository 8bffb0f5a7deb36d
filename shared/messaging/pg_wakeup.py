"""The outbox trigger some migrations install and later ones drop again (history; no longer used).

From 2026-12-04 a trigger on each service's outbox NOTIFYed a channel the relay LISTENed on, so
PostgreSQL rang the relay at commit. But a transaction that NOTIFYs takes one lock for the whole
server ("database 0" in PostgreSQL's commands/async.c, PreCommit_Notify) from just before its
commit until it ends, its WAL flush included: every transaction that wrote an event, in any
service's database, committed one after the other. At 16 redemptions at once that cost throughput
(more PostgreSQL and worker CPU per redemption in a closed loop, the trigger on and off taking
turns; docs/performance.md has the figure). The relay is rung through Redis again, at most a few
times a second per process (`shared.messaging.relay`); the migrations that dropped the trigger call
`drop_outbox_trigger`.
"""

from __future__ import annotations

OUTBOX_TABLE = "outbox"


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
