"""Logging in by e-mail link, and the portal: members follow their vacancies and responses, the
coordinator moderates. Every action is a POST form with a CSRF token, acting through the use cases."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from services.recruitment.usecases import logins, registry, responses, vacancies
from services.recruitment.views.common import db, links, member_page, network_session, run_step
from services.recruitment.views.coordinator import coordinator_home
from services.recruitment.views.forms import (
    LoginForm,
    RejectForm,
    ResponseStatusForm,
)
from shared.auth import Role, log_in, log_out
from shared.i18n import current_language, lazy_gettext
from shared.tokens import InvalidToken
from shared.web.forms import ActionForm
from shared.web.frame import safe_next
from shared.web.menu import start_page

pages = Blueprint("portal", __name__)


@pages.get("/inloggen")
def choose_login():
    """The login every page without a session sends people to: the default network's login page,
    or the list of networks to choose from. Anyone."""
    nxt = safe_next(request.args.get("next"))
    with db().reader() as session:
        networks = registry.networks(session)
    default = current_app.extensions["knoop"].settings.default_network
    chosen = [n for n in networks if n.slug == default] or (networks if len(networks) == 1 else [])
    if chosen:
        return redirect(url_for("portal.login", slug=chosen[0].slug, next=nxt), code=303)
    return render_template("recruitment/login_networks.html", networks=networks, next=nxt)


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
    except logins.LinkAlreadyUsed:
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
            reject_form=RejectForm(),
            status_form=ResponseStatusForm(),
            vacancies=vacancies.member_vacancies(session, principal),
            responses=responses.member_responses(session, principal),
        )


# Each step's message says what happened (the page where it shows is the portal itself).
DONE = {
    "submit": lazy_gettext("Vacancy submitted for approval"),
    "approve": lazy_gettext("Vacancy approved and published"),
    "reject": lazy_gettext("Vacancy sent back; the member has been told why by e-mail"),
    "fill": lazy_gettext("Vacancy closed as filled"),
    "close": lazy_gettext("Vacancy closed"),
    "duplicate": lazy_gettext("Copy made as a new draft"),
    "accept": lazy_gettext("Invitation accepted: the vacancy now shows your organisation too"),
    "decline": lazy_gettext("Invitation declined"),
}
ACTIONS = {
    "submit": lambda s, p, v, form: vacancies.submit(s, p, v, links()),
    "approve": lambda s, p, v, form: vacancies.approve(s, p, v, links()),
    "reject": lambda s, p, v, form: vacancies.reject(s, p, v, form.reason.data),
    "fill": lambda s, p, v, form: vacancies.close(s, p, v, filled=True),
    "close": lambda s, p, v, form: vacancies.close(s, p, v, filled=False),
    "duplicate": lambda s, p, v, form: vacancies.duplicate(s, p, v),
    "accept": lambda s, p, v, form: vacancies.answer_invitation(s, p, v, True),
    "decline": lambda s, p, v, form: vacancies.answer_invitation(s, p, v, False),
}
NOT_NOW = lazy_gettext("This step is not possible now.")
STATUS_SET = lazy_gettext("Response status changed")


@pages.post("/portaal/vacatures/<vacancy_id>/<action>")
@member_page(Role.ORGANISATION, Role.COORDINATOR)
def vacancy_action(principal, vacancy_id: str, action: str):
    """One workflow step from a portal button. The use case decides who may take it."""
    if action not in ACTIONS:
        abort(404)
    form = RejectForm() if action == "reject" else ActionForm()
    if not form.validate_on_submit():
        flash(lazy_gettext("Please check the fields marked below."), "error")
        return redirect(url_for("portal.portal"), code=303)
    run_step(
        principal,
        lambda session: ACTIONS[action](session, principal, vacancy_id, form),
        DONE[action],
        NOT_NOW,
    )
    return redirect(url_for("portal.portal"), code=303)


@pages.post("/portaal/reacties/<response_id>")
@member_page(Role.ORGANISATION, Role.COORDINATOR)
def response_status(principal, response_id: str):
    """Move a response on (contacted, started, declined). Its vacancy's publishers."""
    form = ResponseStatusForm()
    if form.validate_on_submit():
        run_step(
            principal,
            lambda session: responses.set_status(session, principal, response_id, form.status.data),
            STATUS_SET,
            NOT_NOW,
        )
    return redirect(url_for("portal.portal"), code=303)
