"""Feeds and the embeddable snippet: the network's vacancies (for any filter) on other websites."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template, request

from services.recruitment.usecases import search
from services.recruitment.views.common import criteria_from_request, links, network_session

pages = Blueprint("feeds", __name__)
FEED_SIZE = 50


def _items(slug: str, per_page: int):
    criteria = criteria_from_request(slug)
    criteria.per_page, criteria.page, criteria.sort = per_page, 1, "newest"
    with network_session(slug) as (session, network):
        return network, search.search(session, criteria).items


FEEDS = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


@pages.get("/n/<slug>/feed.<kind>")
def feed(slug: str, kind: str):
    """Atom or RSS 2.0 feed of the network's vacancies, for the same filters as the search page. Anyone."""
    if kind not in FEEDS:
        abort(404)
    network, items = _items(slug, FEED_SIZE)
    body = render_template(
        f"recruitment/feed.{kind}.xml",
        network=network,
        vacancies=items,
        links=links(),
        query=request.query_string.decode(),
    )
    return Response(body, mimetype=FEEDS[kind])


@pages.get("/n/<slug>/embed")
def embed(slug: str):
    """A compact list for an iframe on a member's own website. Anyone; may be framed anywhere."""
    limit = request.args.get("limit", "5")
    network, items = _items(slug, min(int(limit), 20) if re.fullmatch(r"[1-9][0-9]{0,2}", limit) else 5)
    response = Response(
        render_template(
            "recruitment/embed.html",
            network=network,
            vacancies=items,
            links=links(),
        )
    )
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'unsafe-inline'; frame-ancestors *"
    )
    return response
