"""Recruitment's public pages: the network's vacancy bank, in Dutch unless English is asked for."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from services.recruitment import services

pages = Blueprint("recruitment_pages", __name__)


def _db():
    return current_app.extensions["knoop"].db


def _vacancy_bank(network):
    with _db().reader(network_id=network.id) as session:
        vacancies = services.published_vacancies(session)
        return render_template("recruitment/vacancy_bank.html", network=network, vacancies=vacancies)


@pages.get("/")
def home():
    """The public front page: the default network's vacancy bank, or the list of networks."""
    with _db().reader() as session:
        networks = services.networks(session)
    default_slug = current_app.extensions["knoop"].settings.default_network
    chosen = [n for n in networks if n.slug == default_slug] or (networks if len(networks) == 1 else [])
    if chosen:
        return _vacancy_bank(chosen[0])
    return render_template("recruitment/networks.html", networks=networks)


@pages.get("/n/<slug>")
def network_bank(slug: str):
    """A network's public vacancy bank. Anyone may look."""
    with _db().reader() as session:
        try:
            network = services.network_by_slug(session, slug)
        except services.NotFound:
            abort(404)
    return _vacancy_bank(network)


@pages.get("/vacatures/<vacancy_id>")
def vacancy_page(vacancy_id: str):
    """One published vacancy. Anyone may look."""
    with _db().reader() as session:
        try:
            vacancy = services.get_vacancy(session, vacancy_id)
        except services.NotFound:
            abort(404)
        if vacancy.status != "published":
            abort(404)
        network = session.get(services.Network, vacancy.network_id)
        return render_template("recruitment/vacancy.html", vacancy=vacancy, network=network)
