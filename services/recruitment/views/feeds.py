"""Feeds and the embeddable snippet: the network's vacancies (for any filter) on other websites."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from services.recruitment import domain, search
from services.recruitment.views.common import criteria_from_request, links, network_session

pages = Blueprint("feeds", __name__)
FEED_SIZE = 50


def _items(slug: str, per_page: int):
    criteria = criteria_from_request(slug)
    criteria.per_page, criteria.page, criteria.sort = per_page, 1, "newest"
    with network_session(slug) as (session, network):
        items, _ = search.search(session, criteria)
        return network, items


@pages.get("/n/<slug>/feed.atom")
def atom(slug: str):
    """Atom feed of the network's vacancies, for the same filters as the search page. Anyone."""
    network, items = _items(slug, FEED_SIZE)
    body = render_template(
        "recruitment/feed.atom.xml",
        network=network,
        vacancies=items,
        links=links(),
        publishers=domain.publishers,
        query=request.query_string.decode(),
    )
    return Response(body, mimetype="application/atom+xml")


@pages.get("/n/<slug>/feed.rss")
def rss(slug: str):
    """RSS 2.0 feed of the network's vacancies, for the same filters as the search page. Anyone."""
    network, items = _items(slug, FEED_SIZE)
    body = render_template(
        "recruitment/feed.rss.xml",
        network=network,
        vacancies=items,
        links=links(),
        publishers=domain.publishers,
        query=request.query_string.decode(),
    )
    return Response(body, mimetype="application/rss+xml")


@pages.get("/n/<slug>/embed")
def embed(slug: str):
    """A compact list for an iframe on a member's own website. Anyone; may be framed anywhere."""
    limit = request.args.get("limit", "5")
    network, items = _items(slug, min(int(limit), 20) if limit.isdigit() and int(limit) > 0 else 5)
    response = Response(
        render_template(
            "recruitment/embed.html",
            network=network,
            vacancies=items,
            links=links(),
            publishers=domain.publishers,
        )
    )
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'unsafe-inline'; frame-ancestors *"
    )
    return response
