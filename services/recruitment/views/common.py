"""Helpers for recruitment's pages: sessions, the current network, search arguments from a URL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from flask import abort, current_app, flash, request
from marshmallow import ValidationError
from sqlalchemy.orm import Session

from services.recruitment.api.schemas import SearchArgsSchema
from services.recruitment.domain import DomainError
from services.recruitment.links import Links
from services.recruitment.usecases import logins
from services.recruitment.usecases.common import NotFound
from services.recruitment.usecases.search import Criteria
from shared.i18n import LazyText, lazy_gettext
from shared.identity import Principal
from shared.web.auth import log_out, page_for


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


def member_page(*roles: str) -> Callable:
    """Decorator for back-office pages: `page_for(*roles)`, and a removed member's session ends at
    once (the next page sends them to the login). The view gets the principal first."""

    def decorate(view: Callable) -> Callable:
        @page_for(*roles)
        @wraps(view)
        def wrapper(principal: Principal, *args, **kwargs):
            with db().reader() as session:
                if not logins.still_allowed(session, principal):
                    log_out()
                    abort(401)
            return view(principal, *args, **kwargs)

        return wrapper

    return decorate


NOT_NOW = lazy_gettext("This step is not possible now.")


def refusal(exc: DomainError) -> object:
    """The domain's reason in the page's language; a reason without a translation (one built with
    values in it) becomes the general "not possible now" rather than English on a Dutch page."""
    reason = str(exc)
    return lazy_gettext(reason) if current_app.extensions["knoop_catalogue"].knows(reason) else NOT_NOW


def run_step(
    principal: Principal,
    step: Callable,
    done: LazyText,
    refused: LazyText | None = None,
) -> bool:
    """Run one use case in a transaction and flash what happened: `done` says it in words
    ("Vacature ingediend ter goedkeuring"); a refusal flashes the domain's own reason, translated
    (or `refused`). A record that is not there (or not yours) is a 404."""
    try:
        with db().transaction(network_id=principal.network_id) as session:
            step(session)
    except NotFound:
        abort(404)
    except DomainError as exc:
        flash(refused or refusal(exc), "error")
        return False
    flash(done, "ok")
    return True
