"""A member organisation's responses in pages: one list with a status filter, and one page per
response where its publishers move it on (new → contacted → started / declined) with a note.
The volunteer's details show only to the vacancy's publishers (the use case scopes them)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from services.recruitment import domain
from services.recruitment.api.schemas import ResponseStatusSchema
from services.recruitment.usecases import responses
from services.recruitment.usecases.common import NotFound
from services.recruitment.views.common import db, member_page, run_step
from services.recruitment.views.labels import RESPONSE_STATUS_NAMES
from shared.i18n import lazy_gettext as _l
from shared.identity import Principal, Role
from shared.web.schema_form import SchemaForm

pages = Blueprint("member_responses", __name__)
MOVED = {
    "contacted": _l("Response marked as contacted"),
    "started": _l("Response marked as started"),
    "declined": _l("Response marked as declined"),
}


@pages.get("/portaal/reacties")
@member_page(Role.ORGANISATION)
def response_list(principal: Principal):
    """Responses to the vacancies this member publishes, newest first, by status. Members."""
    status = request.args.get("status") or None
    if status not in (None, *domain.RESPONSE_STATUSES):
        status = None
    with db().reader(network_id=principal.network_id) as session:
        found = responses.member_responses(session, principal, status=status)
        return render_template(
            "recruitment/member_responses.html",
            responses=found,
            status=status,
            statuses=[(s, RESPONSE_STATUS_NAMES[s]) for s in domain.RESPONSE_STATUSES],
        )


@pages.route("/portaal/reacties/<response_id>", methods=["GET"])
@member_page(Role.ORGANISATION)
def response_page(principal: Principal, response_id: str):
    """One response: the volunteer's details and the next steps. The vacancy's publishers only."""
    return _page(principal, response_id, SchemaForm(ResponseStatusSchema(), submitted=False))


@pages.post("/portaal/reacties/<response_id>/status")
@member_page(Role.ORGANISATION)
def move_response(principal: Principal, response_id: str):
    """Move the response on with an optional note. The vacancy's publishers only."""
    form = SchemaForm(ResponseStatusSchema())
    if not form.validate():
        return _page(principal, response_id, form, 422)
    status, note = form.data["status"], form.data.get("note")
    if run_step(
        principal, lambda s: responses.set_status(s, principal, response_id, status, note), MOVED[status]
    ):
        return redirect(url_for("member_responses.response_page", response_id=response_id), code=303)
    return _page(principal, response_id, form, 422)


def _page(principal: Principal, response_id: str, form: SchemaForm, code: int = 200):
    with db().reader(network_id=principal.network_id) as session:
        try:
            response = responses.get_for_publisher(session, principal, response_id)
        except NotFound:
            abort(404)
        except domain.NotAllowed:
            abort(403)
        steps = [
            (s, RESPONSE_STATUS_NAMES[s])
            for s in domain.RESPONSE_STATUSES
            if s in domain.RESPONSE_NEXT[response.status]
        ]
        return render_template(
            "recruitment/member_response.html", response=response, form=form, steps=steps
        ), code
