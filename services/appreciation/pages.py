"""Appreciation's pages (under /waardering): the holder's pass page, the partner's counter page
(scan or type, redeem in one tap, undo), the partner's login, and a network's public offers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import segno
from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from services.appreciation import (
    appreciation_events,
    domain,
    logins,
    offers,
    passes,
    redemptions,
    services,
)
from services.appreciation.domain import Outcome
from services.appreciation.forms import LoginForm, NumberForm, RedeemForm
from services.appreciation.links import Links
from services.appreciation.models import Invitation, Pass, PassHolder
from shared import ical
from shared.db import utcnow
from shared.i18n import current_language, lazy_gettext
from shared.identity import Role
from shared.tokens import InvalidToken
from shared.web.auth import current_principal, log_in, page_for
from shared.web.forms import ActionForm
from shared.web.frame import chosen_network, here, safe_next
from shared.web.menu import start_page

pages = Blueprint("pass_pages", __name__, url_prefix="/waardering")
MARKS = {str(n) for n in range(1, 11)}


def db():
    return current_app.extensions["knoop"].db


def links() -> Links:
    return current_app.extensions["appreciation_links"]


def register_pages(app: Flask) -> None:
    app.register_blueprint(pages)


def qr_svg(url: str) -> Markup:
    """The QR code as inline SVG, big enough to scan from a phone held up at a counter."""
    return Markup(segno.make(url, error="m").svg_inline(scale=8, border=2, title="QR"))


# --- the holder's pass page ------------------------------------------------------------------


@pages.get("/pas/<token>")
def holder(token: str):
    """The pass: QR code, number, validity, the offers this holder may use, and the history.
    Whoever holds the link from the pass e-mail."""
    try:
        holder_id, version = links().holder.verify(token)
    except (InvalidToken, ValueError, TypeError):
        abort(404)
    with db().reader() as session:
        holder_row = session.get(PassHolder, holder_id)
        if holder_row is None or holder_row.link_version != version:
            abort(404)  # a link from before a reissue
    with db().reader(network_id=holder_row.network_id) as session:
        view = passes.holder_view(session, holder_id)
        today = utcnow().astimezone(domain.LOCAL_TIME).date()
        usable = [o for o in offers.current_offers(session) if domain.is_eligible(o, view.holder)]
        current = view.pass_
        return render_template(
            "appreciation/holder.html",
            holder=view.holder,
            pass_=current,
            status=domain.shown_status(current, today) if current else None,
            number=domain.grouped(current.number) if current else "",
            qr=qr_svg(links().qr_url(current.id)) if current and current.status == "active" else None,
            offers=usable,
            history=view.history,
        )


# --- partner login ---------------------------------------------------------------------------


@pages.get("/inloggen")
def choose_login():
    """Where a partner's page without a session sends them: the default network's login page, or
    the list of networks. Anyone."""
    nxt = safe_next(request.args.get("next"))
    with db().reader() as session:
        known = services.networks(session)
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
            network = services.network_by_slug(session, slug)
        except services.NotFound:
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
    except logins.LinkAlreadyUsed:
        return render_template("appreciation/login_failed.html"), 410
    log_in(principal)
    return redirect(safe_next(payload.get("next")) or start_page(principal), code=303)


# --- the counter -----------------------------------------------------------------------------


def _partner(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        principal = current_principal()
        if principal is None and request.endpoint == "pass_pages.scanned":
            return render_template("appreciation/partner_only.html", next=here()), 401
        if principal is None:
            abort(401)
        if principal.role != Role.DISCOUNT_PARTNER:
            abort(403)
        return view(principal, *args, **kwargs)

    return wrapper


def _counter_page(principal, pass_: Pass | None, code: dict, result=None, status: int = 200):
    """The page a partner sees for a presented pass: first name, validity, offers, one-tap buttons."""
    with db().reader(network_id=principal.network_id) as session:
        partner = session.get(services.DiscountPartner, principal.partner_id)
        context = {"partner": partner, "result": result, "code": code, "action": ActionForm()}
        if pass_ is not None:
            holder_row = session.get(PassHolder, pass_.holder_id)
            today = utcnow().astimezone(domain.LOCAL_TIME).date()
            context |= {
                "pass_": pass_,
                "first_name": domain.first_name(holder_row.name),
                "refusal": domain.pass_refusal(pass_, today),
                "offers": redemptions.eligible_offers(session, principal, pass_, utcnow()),
                "form": RedeemForm(formdata=None),
            }
        return render_template(
            "appreciation/counter.html",
            number_form=NumberForm(formdata=None),
            messages=Outcome.MESSAGES,
            **context,
        ), status


@pages.route("/kassa", methods=["GET", "POST"])
@_partner
def counter(principal):
    """The counter page on a phone: type the number (or scan the QR), then redeem in one tap.
    Discount partners; a wrong number counts towards the rate limit."""
    if request.method == "GET":
        return _counter_page(principal, None, {})
    redeem_form = RedeemForm()
    number = request.form.get("number", "")
    if not redeem_form.validate_on_submit() and not NumberForm().validate_on_submit():
        abort(400)
    return _present(principal, {"number": number}, redeem_form.offer_id.data or None)


@pages.route("/p/<token>", methods=["GET", "POST"])
@_partner
def scanned(principal, token: str):
    """Scanning the pass's QR code opens this page on the partner's phone. Discount partners."""
    if request.method == "POST" and not RedeemForm().validate_on_submit():
        abort(400)
    offer_id = request.form.get("offer_id") if request.method == "POST" else None
    return _present(principal, {"qr": token}, offer_id)


def _present(principal, code: dict, offer_id: str | None):
    with db().transaction(network_id=principal.network_id) as session:
        pass_id = None
        if "qr" in code:
            try:
                pass_id = links().qr.verify(code["qr"])
            except InvalidToken:
                pass_id = ""
        pass_ = redemptions.find_pass(session, principal, pass_id=pass_id, number=code.get("number"))
        how, raw = ("qr", code["qr"]) if "qr" in code else ("number", code.get("number", ""))
        result = None
        if pass_ is None:
            redemptions.audit(session, principal, request.remote_addr or "", how, raw, Outcome.UNKNOWN)
        elif offer_id:
            try:
                result = redemptions.redeem(session, principal, offer_id, pass_id=pass_.id)
            except (services.NotFound, domain.NotAllowed):
                # Withdrawn while the page was open, or not this partner's: nothing to redeem.
                result = redemptions.Result(Outcome.NOT_NOW)
            redemptions.audit(session, principal, request.remote_addr or "", how, raw, result.outcome)
    if pass_ is None:
        return _counter_page(principal, None, code, result=redemptions.Result(Outcome.UNKNOWN), status=404)
    return _counter_page(principal, pass_, code, result=result)


@pages.post("/inwisselingen/<redemption_id>/ongedaan")
@_partner
def undo(principal, redemption_id: str):
    """Take back a redemption within 10 minutes. The partner that made it."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with db().transaction(network_id=principal.network_id) as session:
            redemptions.undo(session, principal, redemption_id)
        flash(lazy_gettext("The redemption was undone."), "ok")
    except services.NotFound:
        abort(404)
    except domain.InvalidTransition:
        flash(lazy_gettext("A redemption can be undone within 10 minutes only."), "error")
    return redirect(url_for("pass_pages.counter"), code=303)


# --- public ----------------------------------------------------------------------------------


@pages.get("/n/<slug>/aanbod")
def public_offers(slug: str):
    """The network's current offers for pass holders. Anyone."""
    with db().reader() as session:
        try:
            network = services.network_by_slug(session, slug)
        except services.NotFound:
            abort(404)
    with db().reader(network_id=network.id) as session:
        return render_template(
            "appreciation/offers.html", network=network, offers=offers.current_offers(session)
        )


# --- invitations -----------------------------------------------------------------------------


def _invitation_behind(token: str) -> tuple[str, str]:
    """(invitation id, network id) of a personal invitation link; 404 for a forged or unknown one."""
    try:
        invitation_id = links().signup.verify(token)
    except InvalidToken:
        abort(404)
    with db().reader() as session:
        found = session.get(Invitation, invitation_id)
        if found is None:
            abort(404)
        return invitation_id, found.network_id


@pages.route("/uitnodiging/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """A personal invitation: sign up (with guests and answers), decline, cancel, or take a place
    offered from the waiting list. Whoever holds the link from the invitation e-mail; no password."""
    invitation_id, network_id = _invitation_behind(token)
    status = 200
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        status = _answer(network_id, invitation_id, request.form)
    with db().reader(network_id=network_id) as session:
        current = session.get(Invitation, invitation_id)
        page = render_template(
            "appreciation/invitation.html",
            invitation=current,
            event=current.event,
            position=appreciation_events.waiting_position(session, current),
            action=ActionForm(),
            checkin_qr=qr_svg(links().url(f"/waardering/inchecken/{token}")),
            calendar_url=links().calendar_feed(current.holder_id, current.holder.link_version),
        )
    return page, status


def _answer(network_id: str, invitation_id: str, form) -> int:
    step = form.get("step")
    try:
        with db().transaction(network_id=network_id) as session:
            if step == "signup":
                guests = int(form.get("guests") or 0)
                answers = {
                    k.removeprefix("answer-"): v[:500] for k, v in form.items() if k.startswith("answer-")
                }
                appreciation_events.sign_up(session, invitation_id, guests, answers, links())
            elif step == "decline":
                appreciation_events.decline(session, invitation_id, links())
            elif step == "accept":
                appreciation_events.accept_offer(session, invitation_id, links())
            else:
                abort(400)
    except ValueError:
        flash(lazy_gettext("Choose the number of guests from the list."), "error")
        return 422
    except domain.InvalidTransition as exc:
        flash(lazy_gettext(str(exc)), "error")
        return 409
    return 200


@pages.route("/uitnodiging/<token>/feedback", methods=["GET", "POST"])
def feedback(token: str):
    """After the event: a mark from 1 to 10 and a comment. Whoever holds the link (those who came)."""
    invitation_id, network_id = _invitation_behind(token)
    errors, status = [], 200
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        mark = request.form.get("mark", "").strip()
        if mark not in MARKS:
            errors, status = [lazy_gettext("Give a mark from 1 to 10.")], 422
        else:
            try:
                with db().transaction(network_id=network_id) as session:
                    comment = request.form.get("comment", "")[:2000]
                    appreciation_events.give_feedback(session, invitation_id, int(mark), comment)
                flash(lazy_gettext("Thank you for your feedback!"), "ok")
            except domain.InvalidTransition as exc:
                errors, status = [lazy_gettext(str(exc))], 409
    with db().reader(network_id=network_id) as session:
        current = session.get(Invitation, invitation_id)
        page = render_template(
            "appreciation/feedback.html",
            invitation=current,
            event=current.event,
            errors=errors,
            action=ActionForm(),
        )
    return page, status


@pages.get("/agenda/<token>.ics")
def calendar_feed(token: str):
    """A person's private calendar feed: the events they signed up for. Whoever holds the address."""
    try:
        kind, holder_id, version = links().holder.verify(token)
    except (InvalidToken, ValueError, TypeError):
        abort(404)
    if kind != "feed":
        abort(404)
    with db().reader() as session:
        holder_row = session.get(PassHolder, holder_id)
        if holder_row is None or holder_row.link_version != version:
            abort(404)
        signed_up = session.scalars(
            select(Invitation).where(Invitation.holder_id == holder_id, Invitation.status == "signed_up")
        ).all()
        entries = [
            ical.Entry(e.id, e.starts_at, e.ends_at, e.title, e.venue, links().invitation_page(i.id))
            for i, e in ((i, i.event) for i in signed_up)
            if e.status == "published"
        ]
    body = ical.calendar(entries)
    return current_app.response_class(body, mimetype="text/calendar")


@pages.get("/evenementen/<event_id>/deur")
@page_for(Role.COORDINATOR, Role.ORGANISATION)
def door(principal, event_id: str):
    """At the door, on a phone: who is expected, who came; search a name. The event's organiser
    (logged in through the portal)."""
    search = request.args.get("q", "")[:100]
    with db().reader(network_id=principal.network_id) as session:
        try:
            event, expected = appreciation_events.door_list(session, principal, event_id, search)
        except services.NotFound:
            abort(404)
        return render_template(
            "appreciation/door.html", event=event, expected=expected, search=search, action=ActionForm()
        )


@pages.post("/evenementen/<event_id>/inchecken/<invitation_id>")
@page_for(Role.COORDINATOR, Role.ORGANISATION)
def check_in(principal, event_id: str, invitation_id: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with db().transaction(network_id=principal.network_id) as session:
            appreciation_events.check_in(session, principal, event_id, invitation_id)
        flash(lazy_gettext("Checked in."), "ok")
    except services.NotFound:
        abort(404)
    except domain.InvalidTransition as exc:
        flash(lazy_gettext(str(exc)), "error")
    return redirect(url_for("pass_pages.door", event_id=event_id, q=request.args.get("q", "")), code=303)


@pages.get("/inchecken/<token>")
@page_for(Role.COORDINATOR, Role.ORGANISATION)
def scanned_invitation(principal, token: str):
    """The QR code on a person's invitation page, scanned at the door: opens the door list at that
    person, whose check-in button is one tap away (a GET changes nothing)."""
    try:
        invitation_id = links().signup.verify(token)
    except InvalidToken:
        abort(404)
    with db().reader(network_id=principal.network_id) as session:
        found = session.get(Invitation, invitation_id)
        if found is None:
            abort(404)
        return redirect(url_for("pass_pages.door", event_id=found.event_id, q=found.holder.name), code=303)
