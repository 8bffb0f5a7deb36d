"""The public vacancy bank: search page, vacancy pages and the response form."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from services.recruitment import domain
from services.recruitment.api.schemas import SearchArgsSchema
from services.recruitment.models import Network, Vacancy, VacancyArea
from services.recruitment.usecases import registry, responses, search
from services.recruitment.usecases.common import NotFound, UnknownReference, get
from services.recruitment.views.common import criteria_from_request, db, links, network_session, refusal
from services.recruitment.views.forms import AlertForm, ResponseForm
from services.recruitment.views.privacy_text import privacy_ref
from shared.i18n import current_language
from shared.web.frame import chosen_network

pages = Blueprint("bank", __name__)


@pages.get("/")
def home():
    """The front page: the default network's vacancy bank, or the list of networks. Anyone."""
    with db().reader() as session:
        networks = registry.networks(session)
    chosen = chosen_network(networks, current_app.extensions["knoop"].settings.default_network)
    if chosen:
        return vacancy_bank(chosen.slug)
    return render_template("recruitment/networks.html", networks=networks)


@pages.get("/n/<slug>")
def vacancy_bank(slug: str):
    """A network's vacancy bank with full-text search, filters and pages. Anyone."""
    criteria = criteria_from_request(slug)
    with network_session(slug) as (session, network):
        results = search.search(session, criteria)
        return render_template(
            "recruitment/vacancy_bank.html",
            network=network,
            results=results,
            criteria=criteria,
            categories=registry.categories(session),
            organisations=registry.organisations(session),
            areas=_areas(session),
            alert_form=AlertForm(data=criteria.saved()),
            privacy=privacy_ref(session, network.id),
            page_link=lambda p: page_url(slug, p),
        )


PAGE_ARGS = {*SearchArgsSchema().fields, "lang"} - {"network", "page"}


def page_url(slug: str, page: int) -> str:
    """The same search on another page: only the search's own arguments are carried over."""
    args = {k: v for k, v in request.args.items() if k in PAGE_ARGS}
    return url_for("bank.vacancy_bank", slug=slug, page=page, **args)


def _areas(session) -> list[str]:
    return list(
        session.scalars(
            select(VacancyArea.area)
            .distinct()
            .join(Vacancy, Vacancy.id == VacancyArea.vacancy_id)
            .where(Vacancy.status == domain.VacancyStatus.PUBLISHED)
            .order_by(VacancyArea.area)
        )
    )


def _vacancy_page(vacancy_id: str, form: ResponseForm | None = None, status: int = 200):
    with db().reader() as session:
        try:
            vacancy = get(session, Vacancy, vacancy_id, "vacancy")
        except NotFound:
            abort(404)
        if vacancy.status in (domain.VacancyStatus.DRAFT, domain.VacancyStatus.SUBMITTED):
            abort(404)
        network = session.get(Network, vacancy.network_id)
        return render_template(
            "recruitment/vacancy.html",
            vacancy=vacancy,
            network=network,
            publishers=domain.publishers(vacancy),
            form=form or ResponseForm(),
            open=vacancy.status == domain.VacancyStatus.PUBLISHED,
            privacy=privacy_ref(session, vacancy.network_id),
        ), status


@pages.get("/vacatures/<vacancy_id>")
def vacancy_page(vacancy_id: str):
    """One vacancy with every co-publisher by name, and the response form. Anyone."""
    return _vacancy_page(vacancy_id)


@pages.post("/vacatures/<vacancy_id>/reageren")
def respond(vacancy_id: str):
    """A volunteer responds; the form re-renders with messages on bad input. Anyone."""
    form = ResponseForm()
    if not form.validate_on_submit():
        return _vacancy_page(vacancy_id, form, status=422)
    fields = {k: v for k, v in form.data.items() if k not in ("csrf_token", "consent")}
    try:
        with db().transaction() as session:
            responses.respond(session, vacancy_id, {**fields, "language": current_language()}, links())
    except responses.VacancyNotOpen:
        return _vacancy_page(vacancy_id, form, status=409)
    except UnknownReference as exc:  # a privacy statement this network never showed
        form.consent.errors = [*form.consent.errors, refusal(exc)]
        return _vacancy_page(vacancy_id, form, status=422)
    except responses.AlreadyResponded:  # the organisations have the details: no second referral
        return render_template("recruitment/responded.html", vacancy_id=vacancy_id, already=True)
    except NotFound:
        abort(404)
    return redirect(url_for("bank.responded", vacancy_id=vacancy_id), code=303)


@pages.get("/vacatures/<vacancy_id>/bedankt")
def responded(vacancy_id: str):
    """Thank-you page after a response. Anyone."""
    return render_template("recruitment/responded.html", vacancy_id=vacancy_id)
