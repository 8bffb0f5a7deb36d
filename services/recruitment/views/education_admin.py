"""The education partner's back office (/onderwijs/groepen...): open and change cohorts, the class
poster, rotate the link, close registration, meet-and-greet slots, and inviting the students who
have not confirmed. Plus the page behind an imported student's personal link. Every form is read
with the API's own schema and calls the same use case as the API."""

from __future__ import annotations

import segno
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, validate_csrf
from markupsafe import Markup
from wtforms.validators import ValidationError as CsrfInvalid

from services.recruitment import domain
from services.recruitment.api.education_schemas import (
    CohortInputSchema,
    CohortPatchSchema,
    InvitationAnswerSchema,
    MeetSessionInputSchema,
)
from services.recruitment.usecases import cohort_admin, education, logins
from services.recruitment.usecases.common import NotFound, UnknownReference
from services.recruitment.views.common import db, links, member_page, refusal, run_step
from services.recruitment.views.privacy_text import privacy_ref
from shared.db import utcnow
from shared.i18n import LazyText, lazy_gettext
from shared.identity import Principal, Role
from shared.magic_links import LinkAlreadyUsed
from shared.tokens import InvalidToken
from shared.web.auth import log_in
from shared.web.schema_form import SchemaForm

pages = Blueprint("education_admin", __name__)
PARTNER = Role.EDUCATION_PARTNER


def csrf_ok() -> bool:
    """Whether a plain action form (a button) came with a valid CSRF token."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (CSRFError, CsrfInvalid):
        return False
    return True


def plural(singular: str, many: str, num: int) -> LazyText:
    """The right form for `num` ("1 student", "2 studenten"), filled in when shown."""
    return lazy_gettext(singular if num == 1 else many, num=num)


def _cohort(principal: Principal, cohort_id: str):
    with db().reader(network_id=principal.network_id) as session:
        try:
            cohort = education.cohort_for(session, principal, cohort_id)
        except NotFound:
            abort(404)
        session.expunge(cohort)
    return cohort


def _to_cohort(cohort_id: str):
    return redirect(url_for("education_admin.cohort", cohort_id=cohort_id), code=303)


# --- cohorts ---------------------------------------------------------------------------------


@pages.route("/onderwijs/groepen/nieuw", methods=["GET", "POST"])
@member_page(PARTNER)
def new_cohort(principal):
    """Open a cohort: name, kind, hours, choices, registration window. Education partners."""
    form = SchemaForm(CohortInputSchema(), initial={"kind": "introduction", "max_preferences": 3})
    if form.validate():
        try:
            with db().transaction(network_id=principal.network_id) as session:
                cohort = education.create_cohort(session, principal, form.data)
                cohort_id = cohort.id
        except UnknownReference as exc:
            form.add_error(exc.field, refusal(exc))
        else:
            flash(lazy_gettext("Group opened: hand the students the poster or the link."), "ok")
            return _to_cohort(cohort_id)
    page = render_template("recruitment/edu_cohort_form.html", form=form, cohort=None)
    return page, 422 if form.errors else 200


@pages.route("/onderwijs/groepen/<cohort_id>/bewerken", methods=["GET", "POST"])
@member_page(PARTNER)
def edit_cohort(principal, cohort_id: str):
    """Change a cohort; its link and code stay the same. Its education partner."""
    cohort = _cohort(principal, cohort_id)
    initial = {name: getattr(cohort, name) for name in CohortPatchSchema().fields}
    form = SchemaForm(CohortPatchSchema(), initial=initial)
    if form.validate():
        try:
            with db().transaction(network_id=principal.network_id) as session:
                cohort_admin.update_cohort(session, principal, cohort_id, form.data)
        except UnknownReference as exc:
            form.add_error(exc.field, refusal(exc))
        except domain.DomainError:
            abort(404)
        else:
            flash(lazy_gettext("Group changed."), "ok")
            return _to_cohort(cohort_id)
    page = render_template("recruitment/edu_cohort_form.html", form=form, cohort=cohort)
    return page, 422 if form.errors else 200


@pages.get("/onderwijs/groepen/<cohort_id>")
@member_page(PARTNER)
def cohort(principal, cohort_id: str):
    """One cohort: its link and code, registration, meet-and-greets, who has not confirmed."""
    with db().reader(network_id=principal.network_id) as session:
        try:
            found = education.cohort_for(session, principal, cohort_id)
        except NotFound:
            abort(404)
        return render_template(
            "recruitment/edu_cohort.html",
            cohort=found,
            closed=domain.registration_closed_reason(found, utcnow()),
            registration_url=links().registration_page(found.registration_token),
            meetings=education.meet_sessions(session, found.id),
            placements=education.placements_of_cohort(session, found.id),
            unconfirmed=cohort_admin.unconfirmed(session, principal, found.id),
            student_count=len(education.students_of(session, principal, found.id)),
        )


@pages.get("/onderwijs/groepen/<cohort_id>/poster")
@member_page(PARTNER)
def poster(principal, cohort_id: str):
    """A poster for the class on one A4 page: QR code, short code, address and steps."""
    found = _cohort(principal, cohort_id)
    url = links().registration_page(found.registration_token)
    qr = Markup(segno.make(url, error="m").svg_inline(scale=8, border=2, title="QR"))
    return render_template(
        "recruitment/edu_poster.html",
        cohort=found,
        qr=qr,
        code_page=links().url("/inschrijven"),
    )


@pages.route("/onderwijs/groepen/<cohort_id>/link-vernieuwen", methods=["GET", "POST"])
@member_page(PARTNER)
def rotate(principal, cohort_id: str):
    """Ask first, then give the cohort a new link and code; the old ones stop working."""
    found = _cohort(principal, cohort_id)
    if request.method == "POST" and csrf_ok():
        run_step(
            principal,
            lambda session: education.rotate_link(session, principal, cohort_id),
            lazy_gettext("New link and code made: the old link, code and poster no longer work."),
        )
        return _to_cohort(cohort_id)
    return render_template("recruitment/edu_rotate.html", cohort=found)


@pages.post("/onderwijs/groepen/<cohort_id>/inschrijving")
@member_page(PARTNER)
def registration(principal, cohort_id: str):
    """Close registration now, or open it again within its period. Its education partner."""
    if not csrf_ok():
        abort(400)
    is_open = request.form.get("open") == "1"
    run_step(
        principal,
        lambda session: education.set_registration(session, principal, cohort_id, is_open),
        lazy_gettext("Registration is open again.") if is_open else lazy_gettext("Registration is closed."),
    )
    return _to_cohort(cohort_id)


@pages.post("/onderwijs/groepen/<cohort_id>/uitnodigen")
@member_page(PARTNER)
def invite(principal, cohort_id: str):
    """Send unconfirmed students (one, or all) their personal link again. Its education partner."""
    if not csrf_ok():
        abort(400)
    student_id = request.form.get("student_id") or None
    try:
        with db().transaction(network_id=principal.network_id) as session:
            sent = cohort_admin.invite(session, principal, cohort_id, links(), student_id)
    except NotFound:
        abort(404)
    except domain.DomainError as exc:
        flash(refusal(exc), "error")
    else:
        flash(plural("Link sent to %(num)s student.", "Link sent to %(num)s students.", sent), "ok")
    return _to_cohort(cohort_id)


# --- meet-and-greet slots --------------------------------------------------------------------


@pages.route("/onderwijs/groepen/<cohort_id>/kennismaking/nieuw", methods=["GET", "POST"])
@member_page(PARTNER)
def new_meeting(principal, cohort_id: str):
    """Add a meet-and-greet slot: start, end, place, seats. The cohort's education partner."""
    found = _cohort(principal, cohort_id)
    form = SchemaForm(MeetSessionInputSchema())
    if form.validate():
        try:
            with db().transaction(network_id=principal.network_id) as session:
                education.add_meet_session(session, principal, cohort_id, form.data)
        except UnknownReference as exc:
            form.add_error(exc.field, refusal(exc))
        else:
            flash(lazy_gettext("Meet-and-greet added: students can sign up on their page."), "ok")
            return _to_cohort(cohort_id)
    page = render_template("recruitment/edu_meet_form.html", form=form, cohort=found, meet=None)
    return page, 422 if form.errors else 200


def _meeting(principal: Principal, meet_id: str):
    with db().reader(network_id=principal.network_id) as session:
        try:
            meet = cohort_admin.meet_session_for(session, principal, meet_id)
        except (NotFound, domain.NotAllowed):
            abort(404)
        found = education.cohort_for(session, principal, meet.cohort_id)
        session.expunge_all()
    return meet, found


@pages.route("/onderwijs/kennismaking/<meet_id>/bewerken", methods=["GET", "POST"])
@member_page(PARTNER)
def edit_meeting(principal, meet_id: str):
    """Change a slot's time, place or seats. The cohort's education partner."""
    meet, found = _meeting(principal, meet_id)
    initial = {name: getattr(meet, name) for name in MeetSessionInputSchema().fields}
    form = SchemaForm(MeetSessionInputSchema(), initial=initial)
    if form.validate():
        try:
            with db().transaction(network_id=principal.network_id) as session:
                cohort_admin.update_meet_session(session, principal, meet_id, form.data)
        except UnknownReference as exc:
            form.add_error(exc.field, refusal(exc))
        else:
            flash(lazy_gettext("Meet-and-greet changed."), "ok")
            return _to_cohort(found.id)
    page = render_template("recruitment/edu_meet_form.html", form=form, cohort=found, meet=meet)
    return page, 422 if form.errors else 200


@pages.route("/onderwijs/kennismaking/<meet_id>/annuleren", methods=["GET", "POST"])
@member_page(PARTNER)
def cancel_meeting(principal, meet_id: str):
    """Ask first, then cancel the slot; the students signed up get an e-mail."""
    meet, found = _meeting(principal, meet_id)
    if request.method == "POST" and csrf_ok():
        told: list[int] = []
        run_step(
            principal,
            lambda session: told.append(
                cohort_admin.cancel_meet_session(session, principal, meet_id, links())
            ),
            lazy_gettext("Meet-and-greet cancelled."),
        )
        if told and told[0]:
            flash(
                plural("%(num)s student is told by e-mail.", "%(num)s students are told by e-mail.", told[0]),
                "ok",
            )
        return _to_cohort(found.id)
    return render_template("recruitment/edu_meet_cancel.html", cohort=found, meet=meet)


# --- the imported student's personal link ----------------------------------------------------


@pages.route("/inschrijven/uitnodiging/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """The link an imported student got: confirm the address, rank placements, consent; then the
    student is logged in and in the allocation's pool. Whoever holds the link, once."""
    try:
        payload = links().invitation.verify(token)
    except InvalidToken:
        return render_template("recruitment/login_failed.html"), 410
    network_id, student_id = payload["network_id"], payload["person_id"]
    with db().reader(network_id=network_id) as session:
        try:
            student = cohort_admin.invited_student(session, student_id)
        except NotFound:
            abort(404)
        placements = education.placements_of_cohort(session, student.cohort_id)
        privacy = privacy_ref(session, network_id)
        session.expunge_all()
    form = SchemaForm(InvitationAnswerSchema())
    if form.validate():
        try:
            with db().transaction(network_id=network_id) as session:
                logins.redeem_login(session, payload)
                cohort_admin.accept_invitation(
                    session, student_id, form.data["preferences"], form.data["consent_version"]
                )
        except LinkAlreadyUsed:
            return render_template("recruitment/login_failed.html"), 410
        except UnknownReference as exc:  # a privacy statement the network never showed: at the checkbox
            form.add_error("consent" if exc.field == "consent_version" else exc.field, refusal(exc))
        except domain.DomainError as exc:
            form.add_error("_form", refusal(exc))
        else:
            log_in(Principal(role=Role.STUDENT, network_id=network_id, person_id=student_id))
            flash(lazy_gettext("Your e-mail address is confirmed. You are registered."), "ok")
            return redirect(url_for("student_pages.home"), code=303)
    page = render_template(
        "recruitment/edu_invitation.html",
        form=form,
        student=student,
        cohort=student.cohort,
        placements=placements,
        ranks=range(student.cohort.max_preferences),
        privacy=privacy,
    )
    return page, 422 if form.errors else 200
