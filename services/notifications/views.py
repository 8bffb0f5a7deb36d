"""Notifications' pages: stopping a kind of message (RFC 8058 one-click, or a button), and for the
network's coordinator the delivery log (search, send a failed message again) and template previews."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from services.notifications.domain import KIND_NAMES, STATUSES
from services.notifications.handlers import EVENT_HANDLERS
from services.notifications.samples import SAMPLES
from services.notifications.usecases import log, preferences
from shared import contracts
from shared.i18n import lazy_gettext
from shared.identity import Role
from shared.messaging.inbox import Event
from shared.tokens import InvalidToken
from shared.web.auth import page_for
from shared.web.forms import ActionForm

pages = Blueprint("notification_pages", __name__, template_folder="templates")


@pages.route("/berichten/afmelden/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """The link in every non-essential message. GET shows the person's preferences (mail scanners
    open links; nothing changes); a POST without a form (a mail client's one-click unsubscribe, or
    the page's stop button) stops this kind; the page's form saves language and kinds. The signed
    link is the key: whoever holds it."""
    try:
        email, kind = current_app.extensions["notifications_unsubscribe"].verify(token)
    except InvalidToken:
        abort(404)
    if kind not in KIND_NAMES:
        abort(404)
    db = current_app.extensions["knoop"].db
    if request.method == "POST":
        with db.transaction() as session:
            if request.form.get("save"):
                wanted = set(request.form.getlist("kinds"))
                preferences.save(
                    session,
                    email,
                    request.form.get("language") or None,
                    [k for k in KIND_NAMES if k not in wanted],
                )
            else:
                preferences.refuse(session, email, [kind])
    with db.reader() as session:
        pref = preferences.preference(session, email)
        refused = set(pref.refused or []) if pref else set()
        chosen_language = pref.language if pref else None
    return render_template(
        "notifications/unsubscribe.html",
        kind=kind,
        done=request.method == "POST",
        kinds=KIND_NAMES,
        refused=refused,
        chosen_language=chosen_language,
    )


# The coordinator's session (from the login at recruitment, shared behind one host).
coordinator_only = page_for(Role.COORDINATOR)


class RetryForm(ActionForm):
    """A button: send a failed message again (CSRF-protected)."""


@pages.get("/berichten/log")
@coordinator_only
def delivery_log(principal):
    """Every message of the coordinator's network: search by address or event, filter by status."""
    text, status = request.args.get("q", ""), request.args.get("status", "")
    with current_app.extensions["knoop"].db.transaction(network_id=principal.network_id) as session:
        rows = log.search(session, principal, text, status)
    letters = log.dead_letters_of(current_app.extensions["knoop"].dead_letters, principal.network_id)
    return render_template(
        "notifications/log.html",
        rows=rows,
        q=text,
        status=status,
        statuses=STATUSES,
        form=RetryForm(),
        letters=letters,
    )


@pages.post("/berichten/log/<int:delivery_id>/opnieuw")
@coordinator_only
def retry(principal, delivery_id: int):
    """Send a failed message again. The coordinator of the message's network."""
    if not RetryForm().validate_on_submit():
        abort(400)
    with current_app.extensions["knoop"].db.transaction(network_id=principal.network_id) as session:
        queued = log.retry_failed(session, delivery_id)
    if not queued:
        abort(404)
    current_app.extensions["celery"].send_task("notifications.resume_deliveries", queue="notifications")
    flash(lazy_gettext("The message is queued again."), "ok")
    return redirect(url_for("notification_pages.delivery_log", q=request.args.get("q", "")), code=303)


@pages.post("/berichten/log/dode-brieven/<int:letter_id>/opnieuw")
@coordinator_only
def replay_dead_letter(principal, letter_id: int):
    """Hand an event that failed for good to the worker again (it is idempotent, so this is safe).
    The coordinator of the event's network."""
    kit = current_app.extensions["knoop"]
    if not RetryForm().validate_on_submit():
        abort(400)
    if letter_id not in {letter.id for letter in log.dead_letters_of(kit.dead_letters, principal.network_id)}:
        abort(404)
    kit.dead_letters.replay(kit.celery, letter_id)
    flash(lazy_gettext("The message is queued again."), "ok")
    return redirect(url_for("notification_pages.delivery_log"), code=303)


class _Recorder:
    """A stand-in session that keeps the deliveries the handlers record (nobody's preferences):
    template -> (language, context), the first of each template."""

    def __init__(self):
        self.found: dict[str, tuple[str, dict]] = {}

    def add(self, row):
        if hasattr(row, "template"):
            self.found.setdefault(row.template, (row.language, {**row.context, "preferences_url": "#"}))

    def get(self, *_):
        return None

    def scalars(self, *_):
        return []


def _recorded(event_type: str, payload: dict, network_id: str | None = None) -> dict[str, tuple[str, dict]]:
    """What the real handlers make of one event's payload (validated by its contract), unsent."""
    data = contracts.schema_for(event_type).load(payload)
    event = Event(str(uuid.uuid4()), event_type, event_type.split(".")[0], None, network_id, data)
    recorder = _Recorder()
    for handler in EVENT_HANDLERS[event_type]:
        handler(recorder, event)
    return recorder.found


def _samples() -> dict[str, dict]:
    """template -> a context from its event's contract sample, as the handlers would record it."""
    found: dict[str, dict] = {}
    for event_type in EVENT_HANDLERS:
        for template, (_, context) in _recorded(event_type, SAMPLES[event_type]).items():
            found.setdefault(template, context)
    return found


@pages.get("/berichten/voorbeeld")
@pages.get("/berichten/voorbeeld/<template>")
@coordinator_only
def preview(principal, template: str | None = None):
    """Any message with sample data, in Dutch and English. The network's coordinator."""
    samples = _samples()
    if template is not None and template not in samples:
        abort(404)
    renderer = current_app.extensions["knoop_renderer"]
    rendered = {}
    if template:
        rendered = {lang: renderer.render(template, lang, samples[template]) for lang in ("nl", "en")}
    return render_template(
        "notifications/preview.html", templates=sorted(samples), template=template, rendered=rendered
    )


# An organiser's look at the invitation its event sends; appreciation signs the payload into the link.
INVITATION = "appreciation.invitations_sent.v1"


@pages.get("/berichten/voorbeeld/uitnodiging/<token>")
@page_for(Role.COORDINATOR, Role.ORGANISATION)
def invitation_preview(principal, token: str):
    """The invitation e-mail an appreciation event sends, in the invitee's language, from the
    payload signed into the link by appreciation (nothing is sent or stored). The coordinator or a
    member of that network."""
    try:
        signed = current_app.extensions["notifications_invitation_preview"].verify(token)
    except InvalidToken as exc:
        abort(410 if str(exc) == "expired" else 404)
    if not isinstance(signed, dict) or signed.get("network_id") != principal.network_id:
        abort(404)
    try:
        [(lang, context)] = _recorded(INVITATION, signed.get("data"), principal.network_id).values()
    except (ValidationError, TypeError, ValueError):
        abort(404)
    subject, text, html = current_app.extensions["knoop_renderer"].render("event_invitation", lang, context)
    return render_template(
        "notifications/invitation_preview.html", lang=lang, subject=subject, text=text, html=html
    )
