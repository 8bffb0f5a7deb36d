"""Operator commands every service has: migrate, run the relay, replay events, handle dead letters.

flask --app services.<service> db-upgrade
flask --app services.<service> relay
flask --app services.<service> outbox-replay --since 2026-11-01T00:00:00Z
flask --app services.<service> dead-letters [--replay ID]
"""

from __future__ import annotations

import contextlib
import signal
from datetime import UTC, datetime, timedelta

import click
from flask import Flask

from shared.migrations import upgrade


def register_operator_commands(app: Flask, kit) -> None:
    @app.cli.command("db-upgrade")
    def db_upgrade():
        """Apply this service's migrations."""
        upgrade(kit.migrations, kit.settings.database_url)
        click.echo(f"{kit.settings.service}: database at newest migration")

    @app.cli.command("relay")
    @click.option("--once", is_flag=True, help="Sweep once and exit.")
    def relay(once: bool):
        """Send committed outbox events to their subscribers (runs until stopped)."""
        outbox_relay = kit.relay()
        if once:
            click.echo(f"relayed {outbox_relay.sweep()} event(s)")
            return
        # Stopping mid-batch is safe: the transaction rolls back and the rows are sent again later.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        click.echo(f"{kit.settings.service} relay running")
        with contextlib.suppress(KeyboardInterrupt):
            outbox_relay.run(kit.wakeup(), kit.settings.outbox_sweep_seconds)

    @app.cli.command("outbox-replay")
    @click.option("--since", required=True, help="ISO time, e.g. 2026-11-01T00:00:00Z")
    def outbox_replay(since: str):
        """Send again every event recorded since a time (consumers skip what they already had)."""
        when = datetime.fromisoformat(since.replace("Z", "+00:00"))
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        count = kit.relay().replay_since(when)
        click.echo(f"{count} event(s) marked for re-sending; the relay sends them now")
        kit.wakeup().ring()

    @app.cli.command("outbox-prune")
    def outbox_prune():
        """Forget sent events older than the retention period."""
        days = kit.settings.outbox_retention_days
        click.echo(f"pruned {kit.relay().prune(timedelta(days=days))} event(s)")

    @app.cli.command("dead-letters")
    @click.option("--replay", "replay_id", type=int, help="Send this dead letter's task again.")
    def dead_letters(replay_id: int | None):
        """List tasks that failed for good, or replay one."""
        if replay_id is not None:
            ok = kit.dead_letters.replay(kit.celery, replay_id)
            click.echo("replayed" if ok else "no such unreplayed dead letter")
            return
        for letter in kit.dead_letters.pending():
            click.echo(f"{letter.id}\t{letter.failed_at:%Y-%m-%d %H:%M}\t{letter.task_name}\t{letter.error}")
