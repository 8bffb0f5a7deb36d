"""A member's pass nominations in pages: list (last four digits), one or a CSV, and withdrawal."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from services.appreciation.api.schemas import CoordinatorNominationSchema, NominationSchema
from services.appreciation.domain import passes as rules
from services.appreciation.domain.clock import local_today
from services.appreciation.domain.errors import DomainError, NotFound
from services.appreciation.usecases import imports, nominations, partners
from services.appreciation.usecases import passes as usecases
from services.appreciation.views.common import db, links, pages
from services.appreciation.views.nomination_imports import shown_number
from services.appreciation.views.pass_admin import refusal
from shared.i18n import lazy_gettext as _l
from shared.identity import Principal, Role
from shared.web.auth import page_for
from shared.web.forms import ActionForm
from shared.web.schema_form import SchemaForm

CSV_AT_MOST = 2 * 1024 * 1024


@pages.get("/nominaties")
@page_for(Role.ORGANISATION)
def nominations_list(principal: Principal):
    """The member's own volunteers with a pass, with the last four digits only. Member organisations."""
    with db().reader(network_id=principal.network_id) as session:
        rows = usecases.passes_of(session, principal)
        return render_template(
            "appreciation/member_passes.html",
            rows=rows,
            today=local_today(),
            shown_status=rules.shown_status,
            last_four=rules.last_four,
        )


def _schema(principal: Principal) -> NominationSchema:
    """The API's schema; the coordinator also chooses the member the person volunteers for."""
    return CoordinatorNominationSchema() if principal.role == Role.COORDINATOR else NominationSchema()


def _nominate_page(principal: Principal, form: SchemaForm, report=None, upload=None, status=200):
    members = []
    if principal.role == Role.COORDINATOR:
        with db().reader(network_id=principal.network_id) as session:
            members = [(m.id, m.name) for m in partners.member_organisations(session)]
    return render_template(
        "appreciation/nominate.html",
        form=form,
        report=report,
        upload=upload or ActionForm(),
        members=members,
        chosen=request.form.get("organisation_id", ""),
        inline_rows=current_app.extensions["knoop"].settings.nomination_inline_rows,
    ), status


@pages.route("/nominaties/nieuw", methods=["GET", "POST"])
@page_for(Role.ORGANISATION, Role.COORDINATOR)
def nominate_one(principal: Principal):
    """Nominate one volunteer; they get the pass by e-mail. Member organisations; the coordinator
    on behalf of a member."""
    form = SchemaForm(_schema(principal), initial={"language": "nl"})
    if form.validate():
        try:
            with db().transaction(network_id=principal.network_id) as session:
                issued = usecases.nominate(session, principal, form.data, links())
                holder_id = issued.pass_.holder_id
        except DomainError as exc:
            form.add_error(getattr(exc, "field", None) or "_form", refusal(exc))
        else:
            flash(_l("Pass sent by e-mail.") if issued.new else _l("This person has a pass already."), "ok")
            if principal.role == Role.COORDINATOR:
                return redirect(url_for("pass_pages.pass_holder", holder_id=holder_id), code=303)
            return redirect(url_for("pass_pages.nominations_list"), code=303)
    return _nominate_page(principal, form, status=422 if form.submitted else 200)


@pages.post("/nominaties/bestand")
@page_for(Role.ORGANISATION, Role.COORDINATOR)
def nominate_file(principal: Principal):
    """Nominate volunteers from a CSV file (name, email; optional language): every row reported, at
    once for a small file, on a progress page for a larger one. Member organisations; the
    coordinator on behalf of a member."""
    upload = ActionForm()
    form = SchemaForm(_schema(principal), initial={"language": "nl"}, submitted=False)
    if not upload.validate_on_submit():
        flash(_l("The form had expired. Please send it again."), "error")
        return redirect(url_for("pass_pages.nominate_one"), code=303)
    sent = request.files.get("file")
    data = sent.read(CSV_AT_MOST + 1) if sent else b""
    try:
        if not data or len(data) > CSV_AT_MOST:
            raise nominations.BadCsv("choose a CSV file of at most 2 MB")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise nominations.BadCsv("save the file as CSV in UTF-8 and try again") from None
        file = nominations.read_rows(text)
        limits = imports.Limits.of(current_app.extensions["knoop"].settings)
        chosen = request.form.get("organisation_id") or None
        with db().transaction(network_id=principal.network_id) as session:
            done = imports.nominate_file(session, principal, file, links(), chosen, limits)
    except DomainError as exc:
        flash(refusal(exc), "error")
        return _nominate_page(principal, form, upload=upload, status=422)
    if isinstance(done, nominations.NominationReport):
        return _nominate_page(principal, form, report=done)
    rows = shown_number(done.total)
    flash(_l("Your file has %(rows)s rows: they are nominated in the background.", rows=rows), "ok")
    return redirect(url_for("pass_pages.nomination_import", import_id=done.id), code=303)


@pages.route("/nominaties/<pass_id>/intrekken", methods=["GET", "POST"])
@page_for(Role.ORGANISATION)
def withdraw_nomination(principal: Principal, pass_id: str):
    """Withdraw the member's nomination (the volunteer left): GET asks, POST does it. The pass stops
    only when no other member nominates the person. Its own volunteers only (404 otherwise)."""
    with db().reader(network_id=principal.network_id) as session:
        mine = {p.id: h for p, h in usecases.passes_of(session, principal)}
        if pass_id not in mine:
            abort(404)
        name = mine[pass_id].name
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template(
            "appreciation/pass_confirm.html",
            form=form,
            question=_l("Withdraw your nomination of this volunteer?"),
            consequence=_l("If no other member nominated them, their pass stops working at once."),
            holder_name=name,
            number="",
            back=url_for("pass_pages.nominations_list"),
        )
    try:
        with db().transaction(network_id=principal.network_id) as session:
            usecases.revoke(session, principal, pass_id)
    except NotFound:
        abort(404)
    except DomainError as exc:
        flash(refusal(exc), "error")
    else:
        flash(_l("Nomination withdrawn."), "ok")
    return redirect(url_for("pass_pages.nominations_list"), code=303)
