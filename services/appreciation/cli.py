"""Appreciation's commands (flask --app services.appreciation …)."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask

from services.appreciation.demo import load_demo
from services.appreciation.usecases import nominations
from shared.config import VAR_DIR
from shared.identity import Principal, Role


def register_cli(app: Flask, kit) -> None:
    links = app.extensions["appreciation_links"]

    @app.cli.command("demo")
    def demo():
        """Add the demo partners, offers and passes to the demo network of var/demo.json (once)."""
        path = VAR_DIR / "demo.json"
        summary = json.loads(path.read_text())
        added = load_demo(kit.db, links, summary)
        if added is None:
            click.echo("demo partners and passes exist already")
            return
        path.write_text(json.dumps({**summary, **added}, indent=2))
        click.echo("demo discount partners, offers and passes added (tokens in var/demo.json)")

    @app.cli.command("nominate")
    @click.option("--network", "network_id", required=True, help="The network's id")
    @click.option("--organisation", "organisation_id", required=True, help="The member's id")
    @click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
    def nominate(network_id: str, organisation_id: str, csv_file):
        """Nominate a member's volunteers from CSV (name, email; optional language), as that member.
        Each person gets one pass; the report lists every refused row."""
        member = Principal(Role.ORGANISATION, network_id, organisation_id=organisation_id)
        try:
            count, rows = nominations.read_rows(csv_file.read())
        except nominations.BadCsv as exc:
            raise click.ClickException(str(exc)) from None
        progress = click.progressbar(rows, length=count, label="Nominating", file=sys.stderr)
        with progress as bar, kit.db.transaction(network_id=network_id) as session:
            report = nominations.nominate_many(session, member, bar, links)
        for row in report.rows:
            if row.outcome == "refused":
                click.echo(f"line {row.line}: refused ({row.reason}) {row.email}")
        click.echo(", ".join(f"{n} {outcome}" for outcome, n in report.summary.items()))
