"""Notifications' pages for people: stop a kind of message with one click (RFC 8058) or a button."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from services.notifications import preferences
from shared.tokens import InvalidToken

pages = Blueprint("notification_pages", __name__, template_folder="templates")


@pages.route("/berichten/afmelden/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """GET asks (mail scanners open links); POST, from the page or a mail client's one-click
    unsubscribe, stops this kind of message for good. Whoever holds the link."""
    try:
        email, kind = current_app.extensions["notifications_unsubscribe"].verify(token)
    except InvalidToken:
        abort(404)
    if kind not in preferences.KIND_NAMES:
        abort(404)
    if request.method == "GET":
        return render_template("notifications/unsubscribe.html", kind=kind, done=False)
    with current_app.extensions["knoop"].db.transaction() as session:
        preferences.refuse(session, email, [kind])
    return render_template("notifications/unsubscribe.html", kind=kind, done=True)
