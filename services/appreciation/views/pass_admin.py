"""The coordinator's pass pages: policy, holder search and record, revoke and reissue."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from services.appreciation.api.schemas import PolicySchema
from services.appreciation.domain import passes as rules
from services.appreciation.domain.clock import local_today
from services.appreciation.domain.errors import DomainError, NotFound
from services.appreciation.models import Pass
from services.appreciation.usecases import holders
from services.appreciation.usecases import passes as usecases
from services.appreciation.views.common import db, links, pages
from shared.i18n import lazy_gettext as _l
from shared.identity import Principal, Role
from shared.web.auth import page_for
from shared.web.forms import ActionForm
from shared.web.schema_form import SchemaForm

VALIDITY_NAMES = {
    "calendar_year": _l("Until the end of the calendar year"),
    "twelve_months": _l("Twelve months from issue"),
}
# step -> (use case, question on the confirmation page, what follows, what the flash says after)
STEPS = {
    "intrekken": (
        lambda s, p, pass_id: usecases.revoke(s, p, pass_id),
        _l("Revoke this pass?"),
        _l("It stops working at once."),
        _l("Pass revoked."),
    ),
    "vervangen": (
        lambda s, p, pass_id: usecases.reissue(s, p, pass_id, links()),
        _l("Reissue this pass?"),
        _l("The old number and QR code stop working at once; the holder gets a new pass by e-mail."),
        _l("New pass sent to the holder."),
    ),
}


def refusal(exc: DomainError) -> object:
    """The domain's reason in the page's language, or a general one rather than English on a Dutch page."""
    reason = str(exc)
    known = current_app.extensions["knoop_catalogue"].knows(reason)
    return _l(reason) if known else _l("This step is not possible now.")


@pages.route("/passen/beleid", methods=["GET", "POST"])
@page_for(Role.COORDINATOR)
def pass_policy(principal: Principal):
    """How long passes are valid, and whether students get one on a confirmed placement. Coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        current = usecases.policy(session, principal.network_id)
        initial = {"validity_kind": current.validity_kind, "students_get_pass": current.students_get_pass}
    form = SchemaForm(PolicySchema(), initial=initial)
    if form.validate():
        with db().transaction(network_id=principal.network_id) as session:
            usecases.set_policy(session, principal, form.data)
        flash(_l("Pass policy saved."), "ok")
        return redirect(url_for("pass_pages.pass_policy"), code=303)
    return render_template("appreciation/pass_policy.html", form=form, kinds=list(VALIDITY_NAMES.items())), (
        422 if form.submitted else 200
    )


@pages.get("/passen")
@page_for(Role.COORDINATOR)
def pass_holders(principal: Principal):
    """Find a pass holder by name, e-mail or the last digits of the number. Coordinator."""
    query = request.args.get("q", "")[:100]
    with db().transaction(network_id=principal.network_id) as session:
        found = holders.find_holders(session, principal, query)
        return render_template("appreciation/pass_holders.html", query=query, found=found)


@pages.get("/passen/houders/<holder_id>")
@page_for(Role.COORDINATOR)
def pass_holder(principal: Principal, holder_id: str):
    """One holder: passes, nominations by member, history; revoke or reissue. Coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        try:
            record = holders.holder_record(session, principal, holder_id)
        except NotFound:
            abort(404)
        return render_template(
            "appreciation/pass_holder.html",
            record=record,
            today=local_today(),
            shown_status=rules.shown_status,
            grouped=rules.grouped,
        )


@pages.route("/passen/<pass_id>/<step>", methods=["GET", "POST"])
@page_for(Role.COORDINATOR)
def pass_step(principal: Principal, pass_id: str, step: str):
    """Revoke or reissue: GET asks for confirmation, POST does it. Coordinator."""
    if step not in STEPS:
        abort(404)
    action, question, consequence, done = STEPS[step]
    with db().reader(network_id=principal.network_id) as session:
        pass_ = session.get(Pass, pass_id)
        if pass_ is None or pass_.network_id != principal.network_id:
            abort(404)
        holder_id, holder_name, number = pass_.holder_id, pass_.holder.name, rules.grouped(pass_.number)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template(
            "appreciation/pass_confirm.html",
            form=form,
            question=question,
            consequence=consequence,
            holder_name=holder_name,
            number=number,
            back=url_for("pass_pages.pass_holder", holder_id=holder_id),
        )
    try:
        with db().transaction(network_id=principal.network_id) as session:
            action(session, principal, pass_id)
    except NotFound:
        abort(404)
    except DomainError as exc:
        flash(refusal(exc), "error")
    else:
        flash(done, "ok")
    return redirect(url_for("pass_pages.pass_holder", holder_id=holder_id), code=303)
