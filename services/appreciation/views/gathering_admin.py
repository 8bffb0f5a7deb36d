"""Appreciation events in pages for the coordinator and members: list, editor, publish, cancel, and
the invitation's preview (the guests are in gathering_guests.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for

from services.appreciation.api.gathering_schemas import EventInputSchema, EventPatchSchema
from services.appreciation.domain.clock import LOCAL_TIME
from services.appreciation.domain.errors import DomainError, NotFound
from services.appreciation.domain.gatherings import KINDS, fixed_fields
from services.appreciation.models import Gathering
from services.appreciation.usecases import gathering_changes, invitation_preview, partners
from services.appreciation.usecases import gatherings as usecases
from services.appreciation.views.common import db, links, pages
from services.appreciation.views.pass_admin import refusal
from shared.i18n import DEFAULT_LANGUAGE
from shared.i18n import lazy_gettext as _l
from shared.identity import Principal, Role
from shared.web.auth import page_for
from shared.web.forms import ActionForm
from shared.web.schema_form import FORM_ERRORS, SchemaForm

ORGANISERS = (Role.COORDINATOR, Role.ORGANISATION)
LIST_PATH = "pass_pages.event_admin_list"
QUESTION_ROWS = 5  # empty question inputs the editor offers beyond those already asked


@pages.get("/evenementen")
@page_for(*ORGANISERS)
def event_admin_list(principal: Principal):
    """The caller's events with their status and counts. Coordinator (the network's), members (their own)."""
    with db().reader(network_id=principal.network_id) as session:
        rows = [(g, usecases.figures(session, g)) for g in usecases.gatherings_of(session, principal)]
        return render_template("appreciation/event_admin_list.html", rows=rows, when=when)


@pages.route("/evenementen/nieuw", methods=["GET", "POST"])
@page_for(*ORGANISERS)
def event_admin_new(principal: Principal):
    """Create an event as a draft. Coordinator; members for their own volunteers."""
    form = SchemaForm(EventInputSchema(), initial={"kind": KINDS[0], "audience": "all", "guests_allowed": 0})
    if form.validate() and _save(form, principal, lambda s: usecases.create(s, principal, form.data)):
        flash(_l("The event was saved as a draft."), "ok")
        return redirect(url_for(LIST_PATH), code=303)
    return _editor(principal, form, None)


@pages.route("/evenementen/<event_id>/bewerken", methods=["GET", "POST"])
@page_for(*ORGANISERS)
def event_admin_edit(principal: Principal, event_id: str):
    """Change an event: every field of a draft; once published all but its audience and questions
    (shown, not offered). Places added go to the waiting list; a new time or venue is told to
    everyone coming. Its organiser."""
    with db().reader(network_id=principal.network_id) as session:
        gathering = organised_or_404(session, principal, event_id)
        locked = fixed_fields(gathering)
        current = {name: getattr(gathering, name) for name in EventPatchSchema().fields}
        taken = gathering.taken
    schema = EventPatchSchema(partial=True, exclude=locked)
    form = SchemaForm(schema, initial={name: current[name] for name in schema.fields})

    def step(session):  # only what the person changed: a time shown to the minute keeps its seconds
        return gathering_changes.change(session, principal, event_id, form.changed(current), links())

    if form.validate() and _save(form, principal, step):
        flash(_l("The event was changed."), "ok")
        return redirect(url_for(LIST_PATH), code=303)
    return _editor(principal, form, event_id, {name: current[name] for name in locked}, taken)


@pages.post("/evenementen/<event_id>/publiceren")
@page_for(*ORGANISERS)
def event_admin_publish(principal: Principal, event_id: str):
    """Publish: the invitations go out. Its organiser."""
    if not ActionForm().validate_on_submit():
        abort(400)
    _act(principal, lambda s: usecases.publish(s, principal, event_id), _l("The invitations are being sent."))
    return redirect(url_for(LIST_PATH), code=303)


@pages.route("/evenementen/<event_id>/annuleren", methods=["GET", "POST"])
@page_for(*ORGANISERS)
def event_admin_cancel(principal: Principal, event_id: str):
    """Ask first, then cancel: everyone invited is told. Its organiser."""
    with db().reader(network_id=principal.network_id) as session:
        gathering = organised_or_404(session, principal, event_id)
        title, invited = gathering.title, gathering.invited
    if request.method == "GET":
        return render_template(
            "appreciation/event_admin_cancel.html", title=title, invited=invited, event_id=event_id
        )
    if not ActionForm().validate_on_submit():
        abort(400)
    step = lambda s: usecases.cancel(s, principal, event_id, links())  # noqa: E731
    _act(principal, step, _l("The event was cancelled."))
    return redirect(url_for(LIST_PATH), code=303)


@pages.get("/evenementen/<event_id>/uitnodiging")
@page_for(*ORGANISERS)
def event_admin_invitation(principal: Principal, event_id: str):
    """The invitation e-mail this event sends, as a preview at notifications (a signed link that
    carries the message, valid for an hour), before and after publishing. Its organiser."""
    with db().reader(network_id=principal.network_id) as session:
        try:
            payload = invitation_preview.invitation_preview(
                session, principal, event_id, str(_l("Sample Volunteer")), DEFAULT_LANGUAGE, links()
            )
        except NotFound:
            abort(404)
    return redirect(links().invitation_preview_path(principal.network_id, payload), code=303)


def when(moment: datetime | None) -> str:
    """A moment on the Dutch wall clock, as the pages show it."""
    return moment.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M") if moment else ""


def organised_or_404(session, principal: Principal, event_id: str) -> Gathering:
    """The event if the caller organises it; a 404 page otherwise."""
    try:
        return usecases.organised(session, principal, event_id)
    except NotFound:
        abort(404)


def _save(form: SchemaForm, principal: Principal, step: Callable) -> bool:
    """Run the editor's use case in one transaction: True when saved, else the reason on the form
    (and nothing written)."""
    try:
        with db().transaction(network_id=principal.network_id) as session:
            step(session)
        return True
    except NotFound:
        abort(404)
    except DomainError as exc:
        form.add_error(getattr(exc, "field", None) or FORM_ERRORS, refusal(exc))
    return False


def _act(principal: Principal, step: Callable, done: object) -> None:
    try:
        with db().transaction(network_id=principal.network_id) as session:
            step(session)
    except NotFound:
        abort(404)
    except DomainError as exc:
        flash(refusal(exc), "error")
    else:
        flash(done, "ok")


def _editor(
    principal: Principal, form: SchemaForm, event_id: str | None, fixed: dict | None = None, taken: int = 0
):
    with db().reader(network_id=principal.network_id) as session:
        members = [(m.id, m.name) for m in partners.member_organisations(session)]
    asked = [q for q in (form.value("questions") or []) if q]
    return render_template(
        "appreciation/event_admin_form.html",
        form=form,
        event_id=event_id,
        members=members if principal.role == Role.COORDINATOR else [],
        member_names=dict(members),
        fixed=fixed,
        taken=taken,
        editable=form.schema.fields,
        kinds=KINDS,
        questions=asked + [""] * QUESTION_ROWS,
        action=request.path,
    ), (422 if form.submitted else 200)
