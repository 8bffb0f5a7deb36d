"""Logging in by e-mail link, and the portal: members follow their vacancies and responses, the
coordinator moderates. Every action is a POST form with a CSRF token, acting through the use cases."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from services.recruitment.usecases import logins, registry, responses, vacancies
from services.recruitment.views.common import db, links, member_page, network_session
from services.recruitment.views.coordinator import coordinator_home
from services.recruitment.views.forms import (
    LoginForm,
)
from shared.i18n import current_language
from shared.identity import Role
from shared.magic_links import LinkAlreadyUsed
from shared.tokens import InvalidToken
from shared.web.auth import log_in, log_out
from shared.web.forms import ActionForm
from shared.web.frame import chosen_network, safe_next
from shared.web.menu import start_page

pages = Blueprint("portal", __name__)


@pages.get("/inloggen")
def choose_login():
    """The login every page without a session sends people to: the default network's login page,
    or the list of networks to choose from. Anyone."""
    nxt = safe_next(request.args.get("next"))
    with db().reader() as session:
        networks = registry.networks(session)
    chosen = chosen_network(networks, current_app.extensions["knoop"].settings.default_network)
    if chosen:
        return redirect(url_for("portal.login", slug=chosen.slug, next=nxt), code=303)
    return render_template(
        "knoop/login_networks.html", networks=networks, next=nxt, login_endpoint="portal.login"
    )


@pages.route("/n/<slug>/inloggen", methods=["GET", "POST"])
def login(slug: str):
    """Ask for a login link by e-mail. Anyone (the answer never says whether the address is known)."""
    form = LoginForm(next=safe_next(request.args.get("next")))
    if not form.validate_on_submit():
        with network_session(slug) as (_, network):
            return render_template(
                "recruitment/login.html", form=form, network=network, sent=False
            ), 422 if form.is_submitted() else 200
    with network_session(slug, write=True) as (session, network):
        logins.request_login(
            session, network, form.email.data, current_language(), links(), safe_next(form.next.data)
        )
    return render_template("recruitment/login.html", form=form, network=network, sent=True)


@pages.route("/inloggen/<token>", methods=["GET", "POST"])
def redeem(token: str):
    """The link from the login mail: GET asks (mail scanners open links), POST logs in, once, within
    a quarter of an hour. Whoever holds the link."""
    try:
        payload = links().login.verify(token)
    except InvalidToken:
        return render_template("recruitment/login_failed.html"), 410
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("recruitment/login_confirm.html", form=form)
    try:
        with db().transaction() as session:
            principal = logins.redeem_login(session, payload)
    except LinkAlreadyUsed:
        return render_template("recruitment/login_failed.html"), 410
    log_in(principal)
    return redirect(safe_next(payload.get("next")) or start_page(principal), code=303)


@pages.post("/uitloggen")
def logout():
    """End the session. Anyone logged in."""
    if ActionForm().validate_on_submit():
        log_out()
    return redirect("/", code=303)


@pages.get("/portaal")
@member_page(Role.ORGANISATION, Role.COORDINATOR)
def portal(principal):
    """A member's own and co-published vacancies and their responses; the coordinator's start page
    (views/coordinator.py). Logged-in members and coordinators."""
    if principal.role == Role.COORDINATOR:
        return coordinator_home(principal)
    with db().reader(network_id=principal.network_id) as session:
        return render_template(
            "recruitment/member_home.html",
            principal=principal,
            action=ActionForm(),
            vacancies=vacancies.member_vacancies(session, principal),
            responses=responses.member_responses(session, principal),
        )
