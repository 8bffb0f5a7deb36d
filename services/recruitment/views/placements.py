"""Pages for the two sides of a student placement: the organisation confirms, reviews hours and
signs off (/portaal/stages); the education partner follows its students, exports them and imports
a cohort from CSV (/onderwijs). Every action is a POST form with a CSRF token."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import escape

from services.recruitment import domain
from services.recruitment.api.education_schemas import (
    STUDENT_COLUMNS,
    AdjustInputSchema,
    StudentProgressSchema,
)
from services.recruitment.models import Placement
from services.recruitment.models.placements import StudentStatus
from services.recruitment.usecases import allocations, cohort_admin, education, placed_students, students
from services.recruitment.usecases.common import NotFound, UnknownReference
from services.recruitment.views.common import db, links, refusal, run_step
from services.recruitment.views.forms import ReviewForm, UploadForm
from shared.i18n import LazyText, lazy_gettext
from shared.identity import Role
from shared.web.auth import page_for
from shared.web.forms import ActionForm
from shared.web.schema_form import SchemaForm
from shared.web.spreadsheet import csv_response

pages = Blueprint("placement_pages", __name__)


@pages.get("/portaal/stages")
@page_for(Role.ORGANISATION)
def organisation_students(principal):
    """Students at your placements: confirm or decline, review hours, sign off. Organisations."""
    with db().reader(network_id=principal.network_id) as session:
        placed = placed_students.students_at(session, principal)
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


STEP_DONE = {
    "bevestigen": lazy_gettext("Placement confirmed; the student has been told by e-mail"),
    "afwijzen": lazy_gettext("Student declined; the coordinator will look for another placement"),
    "afronden": lazy_gettext("Placement signed off; the student has been told by e-mail"),
}
STEPS = {
    "bevestigen": lambda s, p, sid: placed_students.confirm(s, p, sid, links()),
    "afwijzen": placed_students.decline,
    "afronden": lambda s, p, sid: placed_students.sign_off(s, p, sid, links()),
}


@pages.post("/portaal/stages/<student_id>/<step>")
@page_for(Role.ORGANISATION)
def student_step(principal, student_id: str, step: str):
    if step not in STEPS:
        abort(404)
    if ActionForm().validate_on_submit():
        run_step(principal, lambda session: STEPS[step](session, principal, student_id), STEP_DONE[step])
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
        run_step(
            principal,
            lambda session: placed_students.review_hours(
                session, principal, entry_id, hours, form.note.data or ""
            ),
            lazy_gettext("Hours reviewed"),
        )
    return redirect(url_for("placement_pages.organisation_students"), code=303)


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
    with db().transaction(network_id=principal.network_id) as session:
        rows = StudentProgressSchema(many=True).dump(education.export_students(session, principal))
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
            form.file.errors = [refusal(exc)]
    status = 422 if form.errors else 200
    return render_template("recruitment/partner_import.html", form=form, cohort=cohort, report=report), status


# --- the coordinator's allocation ------------------------------------------------------------


@pages.get("/portaal/groepen")
@page_for(Role.COORDINATOR)
def coordinator_cohorts(principal):
    """Every cohort of the network, with where its allocation stands. The coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        cohorts = education.cohorts(session, principal)
        return render_template(
            "recruitment/coordinator_cohorts.html",
            cohorts=cohorts,
            progress=allocations.cohort_progress(session, [c.id for c in cohorts]),
            registration_url=links().registration_page,
        )


@pages.get("/portaal/groepen/<cohort_id>")
@page_for(Role.COORDINATOR)
def coordinator_cohort(principal, cohort_id: str):
    """A cohort's placements (with seats taken) and students, the last allocation's report, and the
    buttons to allocate and publish. The coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        cohort, placements, taken = _cohort_with_seats(session, principal, cohort_id)
        return render_template(
            "recruitment/coordinator_cohort.html",
            cohort=cohort,
            placements=placements,
            taken=taken,
            by_id={p.id: p for p in placements},
            students=allocations.proposal(session, cohort.id),
            progress=allocations.cohort_progress(session, [cohort.id])[cohort.id],
            report=cohort.allocation_report,
            reasons=allocations.REASONS,
            action=ActionForm(),
        )


def _cohort_with_seats(session, principal, cohort_id: str) -> tuple:
    try:
        cohort = education.cohort_for(session, principal, cohort_id)
    except NotFound:
        abort(404)
    return (
        cohort,
        education.placements_of_cohort(session, cohort.id),
        education.taken_seats(session, cohort.id),
    )


class _Told:
    """A flash message whose words depend on what the step found; run_step flashes it after the
    step ran, so `said` is filled in by then."""

    def __init__(self, step: Callable):
        self.said = None
        self._step = step

    def __call__(self, session) -> None:
        self.said = self._step(session)

    def __str__(self) -> str:
        return str(self.said)

    def __html__(self) -> str:
        return str(escape(str(self)))


def _allocated(report: allocations.Report) -> LazyText:
    total = report.placed + len(report.unplaced)
    if total == 1:
        return lazy_gettext("Allocation made: %(placed)s of 1 student placed", placed=report.placed)
    return lazy_gettext(
        "Allocation made: %(placed)s of %(total)s students placed", placed=report.placed, total=total
    )


def _published(students: int, organisations: int) -> LazyText:
    if not students:
        return lazy_gettext("Nothing to publish: no student has a proposed placement.")
    words = {
        "students": _plural("1 student", "%(num)s students", students),
        "organisations": _plural("1 organisation", "%(num)s organisations", organisations),
    }
    return lazy_gettext(
        "Allocation published; %(students)s and %(organisations)s are told by e-mail", **words
    )


def _plural(singular: str, plural: str, n: int) -> LazyText:
    """Like the templates' ngettext (one, or more), for a message made in Python."""
    return lazy_gettext(singular) if n == 1 else lazy_gettext(plural, num=n)


def _publish(principal, cohort_id: str) -> Callable:
    def step(session) -> LazyText:
        organisations = allocations.organisations_to_tell(session, cohort_id)
        return _published(allocations.publish(session, principal, cohort_id, links()), organisations)

    return step


@pages.post("/portaal/groepen/<cohort_id>/<step>")
@page_for(Role.COORDINATOR)
def coordinator_step(principal, cohort_id: str, step: str):
    """Run the allocation (a new draw each time; the API can repeat an earlier one), or publish it.
    The coordinator."""
    if step not in ("verdelen", "publiceren"):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if step == "verdelen":
        told = _Told(lambda session: _allocated(allocations.run(session, principal, cohort_id)))
    else:
        told = _Told(_publish(principal, cohort_id))
    run_step(principal, told, told)
    return redirect(url_for("placement_pages.coordinator_cohort", cohort_id=cohort_id), code=303)


@pages.route("/portaal/groepen/<cohort_id>/verplaatsen", methods=["GET", "POST"])
@page_for(Role.COORDINATOR)
def move_student(principal, cohort_id: str):
    """Move one student of the pool to another placement, or take them out, seeing the seats
    taken; read with the API's own schema. The coordinator."""
    form = SchemaForm(AdjustInputSchema(), {"student_id": request.args.get("student", "")})
    if form.validate():
        try:
            with db().transaction(network_id=principal.network_id) as session:
                moved = allocations.adjust(
                    session, principal, cohort_id, form.data["student_id"], form.data["placement_id"]
                )
                flash(_moved(session, moved), "ok")
            return redirect(url_for("placement_pages.coordinator_cohort", cohort_id=cohort_id), code=303)
        except NotFound:
            abort(404)
        except UnknownReference as exc:
            form.add_error(exc.field, refusal(exc))
        except domain.DomainError as exc:
            form.add_error("placement_id", refusal(exc))
    with db().reader(network_id=principal.network_id) as session:
        cohort, placements, taken = _cohort_with_seats(session, principal, cohort_id)
        pool = [s for s in allocations.proposal(session, cohort.id) if s.status == StudentStatus.REGISTERED]
        page = render_template(
            "recruitment/coordinator_move.html",
            cohort=cohort,
            form=form,
            students=[(s.id, _student_label(s, placements)) for s in pool],
            placements=[(p.id, _seat_label(p, taken)) for p in placements],
        )
    return page, 422 if form.submitted else 200


def _moved(session, student) -> LazyText:
    if student.proposed_placement_id is None:
        return lazy_gettext("%(name)s has no proposed placement now", name=student.name)
    placement = session.get(Placement, student.proposed_placement_id)
    return lazy_gettext(
        "%(name)s moved to %(placement)s (%(organisation)s)",
        name=student.name,
        placement=placement.title,
        organisation=placement.organisation.name,
    )


def _student_label(student, placements) -> str:
    by_id = {p.id: p for p in placements}
    now = by_id.get(student.proposed_placement_id)
    where = now.title if now else lazy_gettext("no placement")
    return f"{student.name} ({where})"


def _seat_label(placement, taken: dict) -> str:
    seats = lazy_gettext(
        "%(taken)s of %(capacity)s places taken",
        taken=taken.get(placement.id, 0),
        capacity=placement.capacity,
    )
    return f"{placement.title} — {placement.organisation.name} ({seats})"
