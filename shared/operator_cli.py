"""Operator commands every service has: migrate, run the relay, replay events, handle dead letters.

flask --app services.<service> db-upgrade
flask --app services.<service> relay [--alive-file /tmp/alive]
flask --app services.<service> outbox-replay --since 2026-11-01T00:00:00Z
flask --app services.<service> dead-letters [--show ID | --replay ID [--body FIXED_FILE]]
"""

from __future__ import annotations

import contextlib
import signal
from datetime import UTC, datetime, timedelta

import click
from flask import Flask

from shared.alive import AliveFile


def register_operator_commands(app: Flask, kit) -> None:
    @app.cli.command("db-upgrade")
    def db_upgrade():
        """Apply this service's migrations."""
        from shared.migrations import upgrade  # Alembic, only here: every process of a service has this CLI

        upgrade(kit.migrations, kit.settings.database_url)
        click.echo(f"{kit.settings.service}: database at newest migration")

    @app.cli.command("relay")
    @click.option("--once", is_flag=True, help="Sweep once and exit.")
    @click.option(
        "--alive-file",
        type=click.Path(dir_okay=False),
        help="Touch this file every round, for a liveness probe (python -m shared.alive FILE SECONDS).",
    )
    def relay(once: bool, alive_file: str | None):
        """Send committed outbox events to their subscribers (runs until stopped)."""
        outbox_relay = kit.relay()
        if once:
            click.echo(f"relayed {outbox_relay.sweep()} event(s)")
            return
        # Stopping mid-batch is safe: the transaction rolls back and the rows are sent again later.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        click.echo(f"{kit.settings.service} relay running")
        with contextlib.suppress(KeyboardInterrupt):
            outbox_relay.run(kit.wakeup(), kit.settings.outbox_sweep_seconds, _rounds(alive_file))

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
    @click.option("--replay", "replay_id", type=int, help="Send this dead letter again.")
    @click.option(
        "--body",
        type=click.File("rb"),
        help="With --replay of a poisoned message: put these bytes on its queue instead (a fixed copy).",
    )
    @click.option("--show", "show_id", type=int, help="Print one dead letter whole, raw bytes included.")
    def dead_letters(replay_id: int | None, body, show_id: int | None):
        """List work that failed for good (tasks after their last retry, poisoned messages), show
        one, or replay one."""
        if show_id is not None:
            _show(kit.dead_letters.get(show_id))
            return
        if replay_id is not None:
            ok = kit.dead_letters.replay(kit.celery, replay_id, body.read() if body else None)
            click.echo("replayed" if ok else "no such unreplayed dead letter")
            return
        for letter in kit.dead_letters.pending():
            what = letter.task_name or "(poisoned message)"
            when = f"{letter.failed_at:%Y-%m-%d %H:%M}"
            click.echo(f"{letter.id}\t{when}\t{letter.queue}\t{what}\t{letter.error}")


def _rounds(alive_file: str | None):
    """The relay asks this every round whether to stop (never); it touches the alive file, if any."""
    alive = AliveFile(alive_file) if alive_file else None

    def should_stop() -> bool:
        if alive is not None:
            alive.touch()
        return False

    return should_stop


def _show(letter) -> None:
    if letter is None:
        raise click.ClickException("no such dead letter")
    click.echo(f"id:       {letter.id}\nqueue:    {letter.queue}\ntask:     {letter.task_name}")
    click.echo(f"failed:   {letter.failed_at:%Y-%m-%d %H:%M:%S} UTC\nreason:   {letter.error}")
    if letter.raw is None:
        click.echo(f"args:     {letter.args}\nkwargs:   {letter.kwargs}")
    else:
        click.echo(f"raw ({len(letter.raw)} bytes):")
        click.echo(letter.raw.decode("utf-8", errors="backslashreplace"))
