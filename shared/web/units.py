"""The caller's unit of work in a request: a transaction (or a read) scoped to the network of
whoever is calling, the same in every service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from flask import current_app
from sqlalchemy.orm import Session

from shared.db import CoreUnit
from shared.web.auth import current_principal


def kit():
    """This service's ServiceKit (database, settings, Celery app)."""
    return current_app.extensions["knoop"]


def _network_id() -> str | None:
    principal = current_principal()
    return principal.network_id if principal else None


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A transaction scoped to the caller's network."""
    with kit().db.transaction(network_id=_network_id()) as session:
        yield session


@contextmanager
def reader() -> Iterator[Session]:
    """A read session scoped to the caller's network."""
    with kit().db.reader(network_id=_network_id()) as session:
        yield session


def core_unit_of_work() -> AbstractContextManager[CoreUnit]:
    """Statement-level writes scoped to the caller's network, for Core-only use cases (see
    `Database.core_unit`)."""
    return kit().db.core_unit(network_id=_network_id())
