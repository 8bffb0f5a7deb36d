"""Helpers every recruitment API module uses: the prefix, the caller's unit of work, links."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy.orm import Session

from services.recruitment.links import Links
from shared.web.units import kit, reader, unit_of_work

PREFIX = "/api/recruitment"
SECURED = [{"apiToken": []}]

__all__ = ["PREFIX", "SECURED", "kit", "links", "network_reader", "reader", "unit_of_work"]


def links() -> Links:
    return current_app.extensions["recruitment_links"]


@contextmanager
def network_reader(slug: str) -> Iterator[Session]:
    """A read session scoped to the network with this slug (404 if unknown)."""
    network = current_app.extensions["recruitment_networks"].by_slug(slug)
    with kit().db.reader(network_id=network.id) as session:
        yield session
