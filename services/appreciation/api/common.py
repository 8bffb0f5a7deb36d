"""Helpers every appreciation API module uses: the prefix, the caller's unit of work, links."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy.orm import Session

from services.appreciation.links import Links
from shared.auth import current_principal

PREFIX = "/api/appreciation"
SECURED = [{"apiToken": []}]


def kit():
    return current_app.extensions["knoop"]


def links() -> Links:
    return current_app.extensions["appreciation_links"]


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A transaction scoped to the caller's network."""
    principal = current_principal()
    with kit().db.transaction(network_id=principal.network_id if principal else None) as session:
        yield session


@contextmanager
def reader() -> Iterator[Session]:
    principal = current_principal()
    with kit().db.reader(network_id=principal.network_id if principal else None) as session:
        yield session
