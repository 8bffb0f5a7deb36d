"""What every appreciation page shares: the blueprint (under /waardering), the database, links,
QR codes, and the partners-only guard."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import segno
from flask import Blueprint, abort, current_app, g, render_template, request
from markupsafe import Markup

from services.appreciation.links import Links
from services.appreciation.usecases import partners
from shared.db import Database
from shared.identity import Role
from shared.web.auth import current_principal, log_out
from shared.web.frame import here

pages = Blueprint("pass_pages", __name__, url_prefix="/waardering")


def db() -> Database:
    """The service's database."""
    return current_app.extensions["knoop"].db


def links() -> Links:
    """The signed links appreciation puts in e-mails and QR codes."""
    return current_app.extensions["appreciation_links"]


def qr_svg(url: str) -> Markup:
    """The QR code as inline SVG, big enough to scan from a phone held up at a counter."""
    return Markup(segno.make(url, error="m").svg_inline(scale=8, border=2, title="QR"))


def partner_only(view: Callable) -> Callable:
    """Discount partners only; the view gets their principal first. A scanned QR code opened
    without a login gets a page that says who it is for. The session of a partner removed since
    it logged in ends here: the person is sent to the login, where no link comes any more."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        principal = current_principal()
        if principal is None and request.endpoint == "pass_pages.scanned":
            return render_template("appreciation/partner_only.html", next=here()), 401
        g.login_roles = (Role.DISCOUNT_PARTNER,)  # a 401 goes to the partners' login
        if principal is None:
            abort(401)
        if principal.role != Role.DISCOUNT_PARTNER:
            abort(403)
        with db().reader(network_id=principal.network_id) as session:
            active = partners.is_active(session, principal.partner_id)
        if not active:
            log_out()
            abort(401)
        return view(principal, *args, **kwargs)

    return wrapper
