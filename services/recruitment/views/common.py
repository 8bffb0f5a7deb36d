"""Helpers for recruitment's pages: sessions, the current network, search arguments from a URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import abort, current_app, request
from marshmallow import ValidationError
from sqlalchemy.orm import Session

from services.recruitment.links import Links
from services.recruitment.schemas import SearchArgsSchema
from services.recruitment.search import Criteria
from services.recruitment.usecases.common import NotFound


def db():
    return current_app.extensions["knoop"].db


def links() -> Links:
    return current_app.extensions["recruitment_links"]


@contextmanager
def network_session(slug: str, write: bool = False) -> Iterator[tuple[Session, object]]:
    """(session scoped to the network, network); 404 for an unknown slug."""
    try:
        network = current_app.extensions["recruitment_networks"].by_slug(slug)
    except NotFound:
        abort(404)
    opener = db().transaction if write else db().reader
    with opener(network_id=network.id) as session:
        yield session, network


def criteria_from_request(slug: str) -> Criteria:
    """Search criteria from the page's query string; nonsense values fall back to defaults."""
    raw = {k: v for k, v in request.args.items() if k in SearchArgsSchema().fields and v != ""}
    try:
        args = SearchArgsSchema().load({**raw, "network": slug})
    except ValidationError as exc:
        args = SearchArgsSchema().load(
            {k: v for k, v in {**raw, "network": slug}.items() if k not in exc.messages}
        )
    return Criteria(**{k: v for k, v in args.items() if k != "network"})
