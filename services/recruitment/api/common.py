"""Helpers every recruitment API module uses: the prefix, the caller's unit of work, links."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy.orm import Session

from services.recruitment.links import Links
from shared.auth import current_principal

PREFIX = "/api/recruitment"
SECURED = [{"apiToken": []}]


def kit():
    return current_app.extensions["knoop"]


def links() -> Links:
    return current_app.extensions["recruitment_links"]


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A transaction scoped to the caller's network."""
    principal = current_principal()
    with kit().db.transaction(network_id=principal.network_id if principal else None) as session:
        yield session


@contextmanager
def network_reader(slug: str) -> Iterator[Session]:
    """A read session scoped to the network with this slug (404 if unknown)."""
    network = current_app.extensions["recruitment_networks"].by_slug(slug)
    with kit().db.reader(network_id=network.id) as session:
        yield session
