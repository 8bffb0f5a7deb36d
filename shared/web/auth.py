"""Who is calling a request (bearer token or signed session) and the role checks every view makes.

Authorization is decided here and in each service's `access` rules, not in views."""

from __future__ import annotations

import functools
import time

from flask import abort as abort_http
from flask import current_app, g, request, session
from flask_smorest import abort

from shared.identity import Authenticator, Principal


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer ...` header, if the request has one."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_principal() -> Principal | None:
    """The caller of this request, authenticated once and remembered: an API token on API paths,
    the signed session cookie (set by a magic-link login) on pages."""
    if "principal" not in g:
        if request.path.startswith("/api/"):
            token = bearer_token()
            authenticate: Authenticator = current_app.extensions["knoop_authenticator"]
            g.principal = authenticate(token) if token else None
        else:
            g.principal = session_principal()
    return g.principal


SESSION_KEY = "principal"


SESSION_HOURS = 8


def session_principal() -> Principal | None:
    """The logged-in principal, for at most SESSION_HOURS after the login (not sliding)."""
    stored = dict(session.get(SESSION_KEY) or {})
    started = stored.pop("since", 0)
    if not stored or time.time() - started > SESSION_HOURS * 3600:
        return None
    return Principal(**stored)


def log_in(principal: Principal) -> None:
    """Start a signed session for `principal` (after a verified, single-use login link)."""
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = {
        "role": principal.role,
        "network_id": principal.network_id,
        "organisation_id": principal.organisation_id,
        "partner_id": principal.partner_id,
        "person_id": principal.person_id,
        "actor": principal.actor,
        "since": int(time.time()),
    }


def log_out() -> None:
    """End the session."""
    session.clear()


def require_role(*roles: str):
    """Decorator for API views: 401 without a valid token, 403 for a role not in `roles`."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if principal is None:
                abort(401, message="A valid API token is required (Authorization: Bearer ...).")
            if principal.role not in roles:
                abort(403, message="Your role may not do this.")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def page_for(*roles: str):
    """Decorator for pages: 401 without a logged-in session, 403 for a role not in `roles`; the view
    gets the principal as its first argument."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if principal is None:
                g.login_roles = roles  # the frame sends the person to the login of these roles
                abort_http(401)
            if principal.role not in roles:
                abort_http(403)
            return view(principal, *args, **kwargs)

        return wrapper

    return decorate
