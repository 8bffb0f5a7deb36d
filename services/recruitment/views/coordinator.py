"""The coordinator's own pages: the start page (what needs doing now), the moderation queue with
each vacancy as the public will see it, and the response-time figures per member."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError as CsrfInvalid

from services.recruitment import domain
from services.recruitment.api.schemas import RejectSchema
from services.recruitment.usecases import allocations, education, responses, vacancies
from services.recruitment.usecases.common import NotFound
from services.recruitment.views.common import db, links, member_page, run_step
from shared.i18n import lazy_gettext
from shared.identity import Principal, Role
from shared.web.menu import menu_for
from shared.web.schema_form import SchemaForm

pages = Blueprint("coordinator", __name__)

APPROVED = lazy_gettext("Vacancy approved and published")
SENT_BACK = lazy_gettext("Vacancy sent back; the member has been told why by e-mail")


def coordinator_home(principal: Principal) -> str:
    """The start page: vacancies to review, cohorts to allocate or publish, and the way to the rest."""
    with db().reader(network_id=principal.network_id) as session:
        cohorts = education.cohorts(session, principal)
        progress = allocations.cohort_progress(session, [c.id for c in cohorts])
        return render_template(
            "recruitment/coordinator_home.html",
            waiting=len(vacancies.moderation_queue(session)),
            cohorts=[(c, progress[c.id]) for c in cohorts],
            # Every page of the menu but this one: what other pages add to the menu shows here too.
            elsewhere=[e for e in menu_for(principal) if e.path != "/portaal"],
        )


@pages.get("/portaal/moderatie")
@member_page(Role.COORDINATOR)
def moderation(principal: Principal):
    """Submitted vacancies, each exactly as the public will see it, to approve or send back. The
    coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        queue = vacancies.moderation_queue(session)
        return render_template(
            "recruitment/coordinator_moderation.html",
            queue=[(v, domain.publishers(v)) for v in queue],
        )


@pages.post("/portaal/moderatie/<vacancy_id>/goedkeuren")
@member_page(Role.COORDINATOR)
def approve(principal: Principal, vacancy_id: str):
    """Approve a submitted vacancy: it is published at once. The coordinator."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (CSRFError, CsrfInvalid):
        abort(400)
    run_step(principal, lambda session: vacancies.approve(session, principal, vacancy_id, links()), APPROVED)
    return redirect(url_for("coordinator.moderation"), code=303)


@pages.route("/portaal/moderatie/<vacancy_id>/terugsturen", methods=["GET", "POST"])
@member_page(Role.COORDINATOR)
def send_back(principal: Principal, vacancy_id: str):
    """Send a submitted vacancy back to its member with a reason (read with the API's own schema).
    The coordinator."""
    form = SchemaForm(RejectSchema())
    if form.validate():
        reason = form.data["reason"]
        run_step(
            principal, lambda session: vacancies.reject(session, principal, vacancy_id, reason), SENT_BACK
        )
        return redirect(url_for("coordinator.moderation"), code=303)
    with db().reader(network_id=principal.network_id) as session:
        try:
            vacancy = vacancies.get_vacancy(session, vacancy_id)
        except NotFound:
            abort(404)
        page = render_template(
            "recruitment/coordinator_send_back.html",
            vacancy=vacancy,
            publishers=domain.publishers(vacancy),
            form=form,
        )
    return page, 422 if form.submitted else 200


@pages.get("/portaal/reactietijden")
@member_page(Role.COORDINATOR)
def response_times(principal: Principal):
    """How fast each member acts on the responses it gets, as a bar chart with the numbers. The
    coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        rows = responses.response_times(session)
    slowest = max((r["median_hours_to_act"] or 0 for r in rows), default=0) or 1
    return render_template("recruitment/coordinator_response_times.html", rows=rows, slowest=slowest)
