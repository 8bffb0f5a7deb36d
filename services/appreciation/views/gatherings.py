"""Pages of appreciation events (Gathering in code): the personal invitation (sign up, decline,
take an offered place), feedback afterwards, a person's calendar feed, and the door list."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from services.appreciation.domain import gatherings as rules
from services.appreciation.domain.errors import InvalidTransition, NotFound
from services.appreciation.models import Invitation
from services.appreciation.usecases import follow_ups, gatherings, invitations
from services.appreciation.views.common import db, links, pages, qr_svg
from shared import ical
from shared.i18n import lazy_gettext
from shared.identity import Principal, Role
from shared.tokens import InvalidToken
from shared.web.auth import page_for
from shared.web.forms import ActionForm


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
            event=current.gathering,
            position=invitations.waiting_position(session, current),
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
                invitations.sign_up(session, invitation_id, guests, answers, links())
            elif step == "decline":
                invitations.decline(session, invitation_id, links())
            elif step == "accept":
                invitations.accept_offer(session, invitation_id, links())
            else:
                abort(400)
    except ValueError:
        flash(lazy_gettext("Choose the number of guests from the list."), "error")
        return 422
    except InvalidTransition as exc:
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
        mark = rules.feedback_mark(request.form.get("mark", ""))
        if mark is None:
            errors, status = [lazy_gettext("Give a mark from 1 to 10.")], 422
        else:
            try:
                with db().transaction(network_id=network_id) as session:
                    comment = request.form.get("comment", "")[:2000]
                    follow_ups.give_feedback(session, invitation_id, mark, comment)
                flash(lazy_gettext("Thank you for your feedback!"), "ok")
            except InvalidTransition as exc:
                errors, status = [lazy_gettext(str(exc))], 409
    with db().reader(network_id=network_id) as session:
        current = session.get(Invitation, invitation_id)
        page = render_template(
            "appreciation/feedback.html",
            invitation=current,
            event=current.gathering,
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
    try:
        with db().reader() as session:
            entries = follow_ups.calendar_entries(session, holder_id, version, links())
    except NotFound:
        abort(404)
    body = ical.calendar(entries)
    return current_app.response_class(body, mimetype="text/calendar")


@pages.get("/evenementen/<event_id>/deur")
@page_for(Role.COORDINATOR, Role.ORGANISATION)
def door(principal: Principal, event_id: str):
    """At the door, on a phone: who is expected, who came; search a name. The event's organiser
    (logged in through the portal)."""
    search = request.args.get("q", "")[:100]
    with db().reader(network_id=principal.network_id) as session:
        try:
            gathering, expected = gatherings.door_list(session, principal, event_id, search)
        except NotFound:
            abort(404)
        return render_template(
            "appreciation/door.html", event=gathering, expected=expected, search=search, action=ActionForm()
        )


@pages.post("/evenementen/<event_id>/inchecken/<invitation_id>")
@page_for(Role.COORDINATOR, Role.ORGANISATION)
def check_in(principal: Principal, event_id: str, invitation_id: str):
    """Check someone in at the door. The gathering's organiser."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with db().transaction(network_id=principal.network_id) as session:
            gatherings.check_in(session, principal, event_id, invitation_id)
        flash(lazy_gettext("Checked in."), "ok")
    except NotFound:
        abort(404)
    except InvalidTransition as exc:
        flash(lazy_gettext(str(exc)), "error")
    return redirect(url_for("pass_pages.door", event_id=event_id, q=request.args.get("q", "")), code=303)


@pages.get("/inchecken/<token>")
@page_for(Role.COORDINATOR, Role.ORGANISATION)
def scanned_invitation(principal: Principal, token: str):
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
