"""Recruitment's pages for people: the vacancy bank, vacancy pages with the response form, the
"who offers what" flyer, feeds, the embeddable snippet, and the alert and match-answer pages."""

from __future__ import annotations

from flask import Flask

from services.recruitment.views import (
    alerts,
    bank,
    education_admin,
    feeds,
    placement_offers,
    placements,
    portal,
    registry,
    students,
)


def register_views(app: Flask) -> None:
    modules = (bank, registry, feeds, alerts, portal, students, placements, education_admin, placement_offers)
    for module in modules:
        app.register_blueprint(module.pages)
