"""Appreciation's commands (flask --app services.appreciation …)."""

from __future__ import annotations

import json

import click
from flask import Flask
from sqlalchemy import select

from services.appreciation import services
from services.appreciation.models import DiscountPartner
from shared.config import VAR_DIR

DEMO_PARTNERS = [
    {"name": "Theater De Drommedaris", "place": "Enkhuizen", "category": "theatre"},
    {"name": "Zuiderzeemuseum", "place": "Enkhuizen", "category": "museum"},
]


def register_cli(app: Flask, kit) -> None:
    @app.cli.command("demo")
    def demo():
        """Add the demo discount partners to the demo network of var/demo.json (once)."""
        network_id = json.loads((VAR_DIR / "demo.json").read_text())["network_id"]
        with kit.db.transaction(network_id=network_id) as session:
            if session.scalar(select(DiscountPartner).limit(1)):
                click.echo("demo discount partners exist already")
                return
            for fields in DEMO_PARTNERS:
                services.admit_discount_partner(session, network_id, dict(fields))  # tokens: see make run
        click.echo(f"{len(DEMO_PARTNERS)} demo discount partners added")
