"""Pages for the two sides of a student placement: the organisation confirms, reviews hours and
signs off (/portaal/stages); the education partner follows its students, exports them and imports
a cohort from CSV (/onderwijs). Every action is a POST form with a CSRF token."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from services.recruitment import domain
from services.recruitment.education_schemas import SEED_MAX, STUDENT_COLUMNS, StudentProgressSchema
from services.recruitment.models.placements import StudentStatus
from services.recruitment.usecases import allocations, cohort_admin, education, students
from services.recruitment.usecases.common import NotFound
from services.recruitment.views.common import db, links
from services.recruitment.views.forms import ReviewForm, UploadForm
from shared.auth import Role, page_for
from shared.i18n import lazy_gettext
from shared.web.forms import ActionForm
from shared.web.spreadsheet import csv_response

pages = Blueprint("placement_pages", __name__)


@pages.get("/portaal/stages")
@page_for(Role.ORGANISATION)
def organisation_students(principal):
    """Students at your placements: confirm or decline, review hours, sign off. Organisations."""
    with db().reader(network_id=principal.network_id) as session:
        placed = allocations.students_at(session, principal)
        hours = {s.id: students.hours_of(session, s.id) for s in placed}
        return render_template(
            "recruitment/organisation_students.html",
            placements=education.placements_of_member(session, principal),
            students=placed,
            hours=hours,
            counted={sid: domain.counted_hours(entries) for sid, entries in hours.items()},
            action=ActionForm(),
            review=ReviewForm(formdata=None),
        )


STEPS = {
    "bevestigen": lambda s, p, sid: allocations.confirm(s, p, sid, links()),
    "afwijzen": allocations.decline,
    "afronden": lambda s, p, sid: allocations.sign_off(s, p, sid, links()),
}


@pages.post("/portaal/stages/<student_id>/<step>")
@page_for(Role.ORGANISATION)
def student_step(principal, student_id: str, step: str):
    if step not in STEPS:
        abort(404)
    if ActionForm().validate_on_submit():
        _run(principal, lambda session: STEPS[step](session, principal, student_id))
    return redirect(url_for("placement_pages.organisation_students"), code=303)


@pages.post("/portaal/uren/<entry_id>")
@page_for(Role.ORGANISATION)
def review_hours(principal, entry_id: str):
    """Approve an hours entry, or correct the number. The organisation of the placement."""
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(lazy_gettext("Hours must be a number between 0 and 24."), "error")
    else:
        hours = float(form.hours.data) if form.hours.data is not None else None
        _run(
            principal,
            lambda session: allocations.review_hours(
                session, principal, entry_id, hours, form.note.data or ""
            ),
        )
    return redirect(url_for("placement_pages.organisation_students"), code=303)


def _run(principal, step: Callable) -> None:
    try:
        with db().transaction(network_id=principal.network_id) as session:
            step(session)
        flash(lazy_gettext("Done."), "ok")
    except NotFound:
        abort(404)
    except domain.DomainError as exc:
        flash(lazy_gettext(str(exc)), "error")


# --- education partners ----------------------------------------------------------------------


@pages.get("/onderwijs")
@page_for(Role.EDUCATION_PARTNER, Role.COORDINATOR)
def partner_home(principal):
    """Your cohorts, their registration links, and your students' progress. Education partners
    (their own students only) and the coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        rows = education.students_of(session, principal)
        return render_template(
            "recruitment/partner_home.html",
            cohorts=education.cohorts(session, principal),
            rows=rows,
            unconfirmed=Counter(
                r["student"].cohort_id for r in rows if r["student"].status == StudentStatus.UNVERIFIED
            ),
            registration_url=links().registration_page,
        )


@pages.get("/onderwijs/studenten.csv")
@page_for(Role.EDUCATION_PARTNER, Role.COORDINATOR)
def partner_export(principal):
    with db().reader(network_id=principal.network_id) as session:
        rows = StudentProgressSchema(many=True).dump(education.students_of(session, principal))
    return csv_response(rows, "studenten.csv", STUDENT_COLUMNS)


@pages.route("/onderwijs/groepen/<cohort_id>/import", methods=["GET", "POST"])
@page_for(Role.EDUCATION_PARTNER, Role.COORDINATOR)
def partner_import(principal, cohort_id: str):
    """Upload a CSV of the cohort's students; the page reports every row. Its partner, coordinator."""
    form = UploadForm()
    with db().reader(network_id=principal.network_id) as session:
        try:
            cohort = education.cohort_for(session, principal, cohort_id)
        except NotFound:
            abort(404)
    report = None
    if form.validate_on_submit():
        try:  # the request's own limit (KNOOP_MAX_UPLOAD_BYTES) bounds the file
            text = form.file.data.read().decode("utf-8-sig")
            _, rows = students.read_rows(text)
            with db().transaction(network_id=principal.network_id) as session:
                report = cohort_admin.import_and_invite(session, principal, cohort_id, rows, links())
        except UnicodeDecodeError:
            form.file.errors = [lazy_gettext("Save the file as CSV in UTF-8 and try again.")]
        except students.BadCsv as exc:
            form.file.errors = [lazy_gettext(str(exc))]
    status = 422 if form.errors else 200
    return render_template("recruitment/partner_import.html", form=form, cohort=cohort, report=report), status


# --- the coordinator's allocation ------------------------------------------------------------


@pages.get("/portaal/groepen")
@page_for(Role.COORDINATOR)
def coordinator_cohorts(principal):
    """Every cohort of the network, to allocate. The coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        return render_template(
            "recruitment/coordinator_cohorts.html",
            cohorts=education.cohorts(session, principal),
            registration_url=links().registration_page,
        )


@pages.get("/portaal/groepen/<cohort_id>")
@page_for(Role.COORDINATOR)
def coordinator_cohort(principal, cohort_id: str):
    """A cohort's placements and students, the last allocation's report, adjust and publish."""
    with db().reader(network_id=principal.network_id) as session:
        try:
            cohort = education.cohort_for(session, principal, cohort_id)
        except NotFound:
            abort(404)
        placements = education.placements_of_cohort(session, cohort.id)
        return render_template(
            "recruitment/coordinator_cohort.html",
            cohort=cohort,
            placements=placements,
            by_id={p.id: p for p in placements},
            students=allocations.proposal(session, cohort.id),
            report=cohort.allocation_report,
            reasons=allocations.REASONS,
            action=ActionForm(),
        )


@pages.post("/portaal/groepen/<cohort_id>/<step>")
@page_for(Role.COORDINATOR)
def coordinator_step(principal, cohort_id: str, step: str):
    """Run the allocation, move one student, or publish. The coordinator."""
    if step not in ("verdelen", "verplaatsen", "publiceren") or not ActionForm().validate_on_submit():
        abort(404 if step not in ("verdelen", "verplaatsen", "publiceren") else 400)
    form = request.form
    if step == "verdelen":
        seed = form.get("seed", "").strip()
        if seed and not (seed.isdigit() and int(seed) <= SEED_MAX):
            flash(lazy_gettext("The seed must be a whole number."), "error")
            return redirect(url_for("placement_pages.coordinator_cohort", cohort_id=cohort_id), code=303)
        _run(
            principal,
            lambda session: allocations.run(session, principal, cohort_id, int(seed) if seed else None),
        )
    elif step == "verplaatsen":
        target = form.get("placement_id") or None
        student_id = form.get("student_id", "")
        _run(principal, lambda session: allocations.adjust(session, principal, cohort_id, student_id, target))
    else:
        _run(principal, lambda session: allocations.publish(session, principal, cohort_id, links()))
    return redirect(url_for("placement_pages.coordinator_cohort", cohort_id=cohort_id), code=303)
