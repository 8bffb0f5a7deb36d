"""The public "who offers what" page: members by activities, printable as a one-page A4 flyer."""

from __future__ import annotations

from flask import Blueprint, render_template

from services.recruitment.usecases import vacancies
from services.recruitment.views.common import network_session

pages = Blueprint("registry_pages", __name__)


@pages.get("/n/<slug>/wie-doet-wat")
def who_offers_what(slug: str):
    """The table the network prints on the back of its joint flyer. Anyone."""
    with network_session(slug) as (session, network):
        members, categories = vacancies.who_offers_what(session)
        return render_template(
            "recruitment/who_offers_what.html", network=network, members=members, categories=categories
        )
