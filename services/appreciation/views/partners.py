"""Discount partners' pages: their login by single-use link, and a network's public offers."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for

from services.appreciation.domain.errors import NotFound
from services.appreciation.usecases import logins, offers, partners
from services.appreciation.views.common import db, links, pages
from services.appreciation.views.forms import LoginForm
from shared.i18n import current_language
from shared.magic_links import LinkAlreadyUsed
from shared.tokens import InvalidToken
from shared.web.auth import log_in
from shared.web.forms import ActionForm
from shared.web.frame import chosen_network, safe_next
from shared.web.menu import start_page


@pages.get("/inloggen")
def choose_login():
    """Where a partner's page without a session sends them: the default network's login page, or
    the list of networks. Anyone."""
    nxt = safe_next(request.args.get("next"))
    with db().reader() as session:
        known = partners.networks(session)
    chosen = chosen_network(known, current_app.extensions["knoop"].settings.default_network)
    if chosen:
        return redirect(url_for("pass_pages.login", slug=chosen.slug, next=nxt), code=303)
    return render_template(
        "knoop/login_networks.html", networks=known, next=nxt, login_endpoint="pass_pages.login"
    )


@pages.route("/n/<slug>/inloggen", methods=["GET", "POST"])
def login(slug: str):
    """Discount partners ask for a login link. Anyone (the answer never says whether it is known)."""
    with db().reader() as session:
        try:
            network = partners.network_by_slug(session, slug)
        except NotFound:
            abort(404)
    form = LoginForm(next=safe_next(request.args.get("next")))
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("appreciation/login.html", form=form, network=network, sent=False), status
    with db().transaction(network_id=network.id) as session:
        logins.request_login(
            session, network, form.email.data, current_language(), links(), safe_next(form.next.data)
        )
    return render_template("appreciation/login.html", form=form, network=network, sent=True)


@pages.route("/inloggen/<token>", methods=["GET", "POST"])
def redeem_login(token: str):
    """GET asks (mail scanners open links); POST logs the partner in, once, within 15 minutes."""
    try:
        payload = links().login.verify(token)
    except InvalidToken:
        return render_template("appreciation/login_failed.html"), 410
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("appreciation/login_confirm.html", form=form)
    try:
        with db().transaction(network_id=payload["network_id"]) as session:
            principal = logins.redeem_login(session, payload)
    except LinkAlreadyUsed:
        return render_template("appreciation/login_failed.html"), 410
    log_in(principal)
    return redirect(safe_next(payload.get("next")) or start_page(principal), code=303)


@pages.get("/n/<slug>/aanbod")
def public_offers(slug: str):
    """The network's current offers for pass holders. Anyone."""
    with db().reader() as session:
        try:
            network = partners.network_by_slug(session, slug)
        except NotFound:
            abort(404)
    with db().reader(network_id=network.id) as session:
        return render_template(
            "appreciation/offers.html", network=network, offers=offers.current_offers(session)
        )
