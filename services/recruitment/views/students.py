"""Students' pages: register through the cohort's link (or its short code), confirm the address,
then follow the placement, sign up for a meet-and-greet, log hours and download the statement."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from services.recruitment import domain
from services.recruitment.models.placements import StudentStatus
from services.recruitment.usecases import education, logins, statements, students
from services.recruitment.usecases.common import Conflict, NotFound, UnknownReference
from services.recruitment.views.common import db, links, refusal
from services.recruitment.views.forms import (
    CodeForm,
    HoursForm,
    RegistrationForm,
    preference_fields,
)
from services.recruitment.views.privacy_text import privacy_ref
from shared.db import utcnow
from shared.i18n import current_language, language, lazy_gettext
from shared.identity import Principal, Role
from shared.magic_links import LinkAlreadyUsed
from shared.tokens import InvalidToken
from shared.web.auth import log_in, page_for
from shared.web.forms import ActionForm

pages = Blueprint("student_pages", __name__)


@pages.route("/inschrijven", methods=["GET", "POST"])
def enter_code():
    """Type the short code from the education partner. Anyone."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            with db().reader() as session:
                cohort = education.cohort_by_link(session, form.code.data)
            return redirect(url_for("student_pages.register", link=cohort.registration_token), code=303)
        except NotFound:
            form.code.errors = [lazy_gettext("No group has this code. Check it with your education partner.")]
    return render_template("recruitment/student_code.html", form=form), 422 if form.errors else 200


def _cohort(link: str):
    try:
        with db().reader() as session:
            cohort = education.cohort_by_link(session, link)
    except NotFound:
        abort(404)
    return cohort


@pages.route("/inschrijven/<link>", methods=["GET", "POST"])
def register(link: str):
    """The registration form behind the cohort's link. Anyone with the link, within the window."""
    cohort = _cohort(link)
    with db().reader(network_id=cohort.network_id) as session:
        cohort = education.cohort_by_link(session, link)
        placements = education.placements_of_cohort(session, cohort.id)
        closed = domain.registration_closed_reason(cohort, utcnow())
        partner = cohort.partner
        privacy = privacy_ref(session, cohort.network_id)
    form = RegistrationForm()
    choices = [(p.id, f"{p.title} — {p.organisation.name}") for p in placements]
    ranks = preference_fields(form, cohort.max_preferences, choices)
    context = dict(
        cohort=cohort, partner=partner, placements=placements, form=form, ranks=ranks, privacy=privacy
    )
    if closed:
        return render_template("recruitment/student_register.html", closed=closed, **context), 410
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("recruitment/student_register.html", **context), status
    chosen = [f.data for f in ranks if f.data]
    fields = {
        "name": form.name.data.strip(),
        "email": form.email.data,
        "student_number": form.student_number.data.strip(),
        "phone": form.phone.data or "",
        "availability": form.availability.data or "",
        "languages": [x.strip() for x in (form.languages.data or "").split(",") if x.strip()],
        "language": current_language(),
        "preferences": chosen,
        "consent_version": form.consent_version.data,
    }
    try:
        with db().transaction(network_id=cohort.network_id) as session:
            cohort = education.cohort_by_link(session, link)
            students.register(session, cohort, fields, links())
    except UnknownReference as exc:
        target = ranks[0] if exc.field == "preferences" else getattr(form, exc.field, form.name)
        target = form.consent if exc.field == "consent_version" else target
        target.errors = [*target.errors, refusal(exc)]
        return render_template("recruitment/student_register.html", **context), 422
    except (students.RegistrationClosed, students.AlreadyAllocated) as exc:
        return render_template("recruitment/student_register.html", closed=str(exc), **context), 409
    return render_template("recruitment/student_registered.html", cohort=cohort, email=fields["email"])


@pages.route("/inschrijven/bevestigen/<token>", methods=["GET", "POST"])
def verify(token: str):
    """The link from the confirmation e-mail: GET asks (mail scanners open links), POST confirms the
    address and logs the student in. Whoever holds the link, once."""
    try:
        payload = links().registration.verify(token)
    except InvalidToken:
        return render_template("recruitment/login_failed.html"), 410
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("recruitment/student_verify.html", form=form)
    try:
        with db().transaction(network_id=payload["network_id"]) as session:
            logins.redeem_login(session, payload)
            students.verify(session, payload["person_id"], payload.get("changes"))
    except LinkAlreadyUsed:
        return render_template("recruitment/login_failed.html"), 410
    except NotFound:
        abort(404)
    except domain.DomainError as exc:  # the changes no longer fit (allocated meanwhile, number taken)
        return render_template("recruitment/student_verify.html", form=form, error=str(exc)), 409
    log_in(Principal(role=Role.STUDENT, network_id=payload["network_id"], person_id=payload["person_id"]))
    flash(lazy_gettext("Your e-mail address is confirmed. You are registered."), "ok")
    return redirect(url_for("student_pages.home"), code=303)


def _home(principal, form: HoursForm, status: int = 200):
    with db().reader(network_id=principal.network_id) as session:
        student = students.me(session, principal)
        hours = students.hours_of(session, student.id)
        page = render_template(
            "recruitment/student_home.html",
            form=form,
            action=ActionForm(),
            statuses=StudentStatus,
            student=student,
            cohort=student.cohort,
            placement=student.placement,
            hours=hours,
            counted=domain.counted_hours(hours),
            meetings=education.meet_sessions(session, student.cohort_id),
            mine=education.my_meetings(session, student),
            placements={p.id: p for p in education.placements_of_cohort(session, student.cohort_id)},
        )
    return page, status


@pages.get("/student")
@page_for(Role.STUDENT)
def home(principal):
    """The student's own page: status, placement, meet-and-greets, hours. The student only."""
    return _home(principal, HoursForm(formdata=None))


@pages.post("/student/uren")
@page_for(Role.STUDENT)
def log_hours(principal):
    """Log hours (date, hours, what you did). The student, once the placement is confirmed."""
    form = HoursForm()
    if form.validate_on_submit():
        try:
            with db().transaction(network_id=principal.network_id) as session:
                fields = {
                    "day": form.day.data,
                    "hours": float(form.hours.data),
                    "activity": form.activity.data,
                }
                students.log_hours(session, principal, fields)
            flash(lazy_gettext("Your hours are saved; the organisation will review them."), "ok")
            return redirect(url_for("student_pages.home"), code=303)
        except UnknownReference as exc:
            form.day.errors = [refusal(exc)]
        except domain.DomainError as exc:
            flash(refusal(exc), "error")
            return redirect(url_for("student_pages.home"), code=303)
    return _home(principal, form, 422)


@pages.post("/student/kennismaking/<meet_id>")
@page_for(Role.STUDENT)
def meet(principal, meet_id: str):
    """Sign up for (or cancel) a meet-and-greet slot. The student."""
    if not ActionForm().validate_on_submit():
        abort(400)
    cancel = request.form.get("cancel") == "1"
    try:
        with db().transaction(network_id=principal.network_id) as session:
            student = students.me(session, principal)
            if cancel:
                education.cancel_meeting(session, student, meet_id)
            else:
                education.sign_up_for_meeting(session, student, meet_id)
        flash(lazy_gettext("Cancelled.") if cancel else lazy_gettext("You are signed up."), "ok")
    except education.SessionFull:
        flash(lazy_gettext("This session is full. Choose another one."), "error")
    except Conflict:
        flash(lazy_gettext("You are signed up for this session already."), "error")
    except NotFound:
        abort(404)
    return redirect(url_for("student_pages.home"), code=303)


@pages.get("/student/verklaring")
@page_for(Role.STUDENT)
def statement(principal):
    """The statement of the placement, once signed off (HTML; add .pdf for a PDF), in the student's
    own language: a printout does not follow the page's language switch. The student."""
    data, lang = _statement(principal)
    with language(lang):
        return render_template("recruitment/student_statement.html", s=data, lines=statements.lines(data))


@pages.get("/student/verklaring.pdf")
@page_for(Role.STUDENT)
def statement_pdf(principal):
    data, lang = _statement(principal)
    return Response(
        statements.pdf(data, lang),
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="verklaring.pdf"'},
    )


def _statement(principal) -> tuple[statements.Statement, str]:
    """The statement, and the language the student chose at registration (the printout's)."""
    with db().reader(network_id=principal.network_id) as session:
        student = students.me(session, principal)
        if student.status != StudentStatus.SIGNED_OFF:
            abort(404)
        return statements.of(session, student), student.language or "nl"
