"""Recruitment's commands for operators and coordinators (flask --app services.recruitment …)."""

from __future__ import annotations

import json

import click
from flask import Flask

from services.recruitment.demo import load_demo
from services.recruitment.usecases import registry
from shared.config import VAR_DIR


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
