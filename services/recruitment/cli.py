"""Recruitment's commands for operators and coordinators (flask --app services.recruitment …)."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask

from services.recruitment.demo import load_demo
from services.recruitment.models import Cohort
from services.recruitment.usecases import registry, students
from shared.config import VAR_DIR
from shared.identity import Principal, Role


def register_cli(app: Flask, kit) -> None:
    db = kit.db

    @app.cli.command("platform-token")
    @click.option("--name", default="platform operator")
    def platform_token(name: str):
        """Issue a platform operator token (may open networks). Printed once."""
        with db.transaction() as session:
            click.echo(registry.issue_platform_token(session, name))

    @app.cli.command("create-network")
    @click.argument("name")
    @click.option("--slug", required=True)
    @click.option("--region", default="")
    @click.option("--contact-email", default="", help="Where moderation requests go")
    def create_network(name: str, slug: str, region: str, contact_email: str):
        """Open a network; prints its coordinator's API token."""
        with db.transaction() as session:
            created = registry.create_network(session, name, slug, region, contact_email)
        click.echo(f"network {created.record.id}\ncoordinator token: {created.token}")

    @app.cli.command("admit-organisation")
    @click.option("--network", "slug", required=True, help="The network's slug")
    @click.option("--name", required=True)
    @click.option("--contact-name", required=True)
    @click.option("--contact-email", required=True)
    @click.option("--identity", default="")
    def admit_organisation(slug, name, contact_name, contact_email, identity):
        """Admit a member organisation; prints its API token."""
        with db.reader() as session:
            network = registry.network_by_slug(session, slug)
        fields = {
            "name": name,
            "contact_name": contact_name,
            "contact_email": contact_email,
            "identity": identity,
        }
        with db.transaction(network_id=network.id) as session:
            created = registry.admit_organisation(session, network.id, fields)
        click.echo(f"organisation {created.record.id}\ntoken: {created.token}")

    @app.cli.command("import-students")
    @click.option("--cohort", "cohort_id", required=True, help="The cohort's id")
    @click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
    def import_students(cohort_id: str, csv_file):
        """Pre-register a cohort's students from CSV (name, email, student_number; optional phone,
        language). One transaction: all rows or none; importing the same file again changes nothing."""
        with db.reader() as session:
            cohort = session.get(Cohort, cohort_id)
        if cohort is None:
            raise click.ClickException("no such cohort")
        operator = Principal(role=Role.COORDINATOR, network_id=cohort.network_id)
        try:
            count, rows = students.read_rows(csv_file.read())
        except students.BadCsv as exc:
            raise click.ClickException(str(exc)) from None
        with (
            click.progressbar(rows, length=count, label="Importing", file=sys.stderr) as bar,
            db.transaction(network_id=cohort.network_id) as session,
        ):
            report = students.import_students(session, operator, cohort_id, bar)
        for row in report.rows:
            if row.outcome == "refused":
                click.echo(f"line {row.line}: refused ({row.reason}) {row.email}")
        click.echo(", ".join(f"{n} {outcome}" for outcome, n in report.summary.items()))

    @app.cli.command("demo")
    def demo():
        """Load the demo network once (skipped when it exists); writes var/demo.json."""
        summary = load_demo(db, app.extensions["recruitment_links"])
        if summary is None:
            click.echo("demo network exists already")
            return
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        (VAR_DIR / "demo.json").write_text(json.dumps(summary, indent=2))
        click.echo(f"demo network loaded: {summary['network_slug']} (tokens in var/demo.json)")
