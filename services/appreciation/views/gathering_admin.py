"""Appreciation events in pages for the coordinator and members: list, editor, publish, cancel, guests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from services.appreciation.api.gathering_schemas import EventInputSchema, EventPatchSchema
from services.appreciation.domain.clock import LOCAL_TIME
from services.appreciation.domain.errors import DomainError, NotFound
from services.appreciation.domain.gatherings import KINDS
from services.appreciation.models import Gathering, Invitation, PassHolder
from services.appreciation.usecases import gatherings as usecases
from services.appreciation.usecases import partners
from services.appreciation.views.common import db, links, pages
from services.appreciation.views.pass_admin import refusal
from shared.i18n import lazy_gettext as _l
from shared.identity import Principal, Role
from shared.web.auth import page_for
from shared.web.forms import ActionForm
from shared.web.schema_form import SchemaForm
from shared.web.spreadsheet import csv_response

ORGANISERS = (Role.COORDINATOR, Role.ORGANISATION)
LIST_PATH = "pass_pages.event_admin_list"
QUESTION_ROWS = 5  # empty question inputs the editor offers beyond those already asked
# The guest list's order: who is coming first, then the waiting list, then the rest.
GUEST_ORDER = ("signed_up", "offered", "waiting", "invited", "declined", "cancelled", "lapsed")
CSV_COLUMNS = ("name", "email", "status", "guests", "waiting_position", "offered_until", "attended")


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
    """Change an event; a new time or venue is told to everyone coming. Its organiser."""
    with db().reader(network_id=principal.network_id) as session:
        gathering = _organised(session, principal, event_id)
        initial = {name: getattr(gathering, name) for name in EventPatchSchema().fields}
    form = SchemaForm(EventPatchSchema(partial=True), initial=initial)
    step = lambda s: usecases.change(s, principal, event_id, form.data, links())  # noqa: E731
    if form.validate() and _save(form, principal, step):
        flash(_l("The event was changed."), "ok")
        return redirect(url_for(LIST_PATH), code=303)
    return _editor(principal, form, event_id)


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
        gathering = _organised(session, principal, event_id)
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


@pages.get("/evenementen/<event_id>/gasten")
@page_for(*ORGANISERS)
def event_admin_guests(principal: Principal, event_id: str):
    """The guest list by status, with the answers to the questions. Its organiser."""
    with db().reader(network_id=principal.network_id) as session:
        gathering = _organised(session, principal, event_id)
        return render_template(
            "appreciation/event_admin_guests.html",
            gathering=gathering,
            groups=_guests(session, gathering),
            figures=usecases.figures(session, gathering),
            when=when,
        )


@pages.get("/evenementen/<event_id>/gasten.csv")
@page_for(*ORGANISERS)
def event_admin_guests_csv(principal: Principal, event_id: str):
    """The guest list as CSV, one row per person, with a column per question. Its organiser."""
    with db().reader(network_id=principal.network_id) as session:
        gathering = _organised(session, principal, event_id)
        questions = list(gathering.questions or ())
        rows = [
            {
                "name": i.holder.name,
                "email": i.holder.email,
                "status": i.status,
                "guests": i.seats - 1,
                "waiting_position": i.waiting_position,
                "offered_until": when(i.offer_expires_at),
                "attended": bool(i.checked_in_at),
                **{q: (i.answers or {}).get(q, "") for q in questions},
            }
            for _, people in _guests(session, gathering)
            for i in people
        ]
    return csv_response(rows, "gasten.csv", CSV_COLUMNS + tuple(questions))


def when(moment: datetime | None) -> str:
    """A moment on the Dutch wall clock, as the pages show it."""
    return moment.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M") if moment else ""


def _organised(session, principal: Principal, event_id: str) -> Gathering:
    try:
        return usecases.organised(session, principal, event_id)
    except NotFound:
        abort(404)


def _guests(session, gathering: Gathering) -> list[tuple[str, list[Invitation]]]:
    """The invitations grouped by status in GUEST_ORDER; the waiting list in its order."""
    people = session.scalars(
        select(Invitation)
        .join(PassHolder, PassHolder.id == Invitation.holder_id)
        .where(Invitation.event_id == gathering.id)
        .order_by(Invitation.waiting_position, PassHolder.name)
    )
    groups: dict[str, list[Invitation]] = {status: [] for status in GUEST_ORDER}
    for invitation in people:
        groups.setdefault(invitation.status, []).append(invitation)
    return [(status, found) for status, found in groups.items() if found]


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
        form.add_error("_form", refusal(exc))
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


def _editor(principal: Principal, form: SchemaForm, event_id: str | None):
    members = []
    if principal.role == Role.COORDINATOR and event_id is None:
        with db().reader(network_id=principal.network_id) as session:
            members = [(m.id, m.name) for m in partners.member_organisations(session)]
    asked = [q for q in (form.value("questions") or []) if q]
    return render_template(
        "appreciation/event_admin_form.html",
        form=form,
        event_id=event_id,
        members=members,
        kinds=KINDS,
        questions=asked + [""] * QUESTION_ROWS,
        action=request.path,
    ), (422 if form.submitted else 200)
