"""Recruitment's pages for people: the vacancy bank, vacancy pages with the response form, the
"who offers what" flyer, feeds, the embeddable snippet, and the alert and match-answer pages."""

from __future__ import annotations

from flask import Flask

from services.recruitment.usecases.common import audit
from services.recruitment.views import (
    alerts,
    bank,
    coordinator,
    education_admin,
    feeds,
    labels,
    member_responses,
    member_vacancies,
    placement_offers,
    placements,
    portal,
    privacy,
    registry,
    registry_access,
    registry_admin,
    students,
)
from shared.i18n import lazy_gettext as _l
from shared.web.audit_page import audit_blueprint


def register_views(app: Flask) -> None:
    for module in (
        bank,
        registry,
        feeds,
        alerts,
        portal,
        coordinator,
        students,
        placements,
        registry_admin,
        registry_access,
        member_vacancies,
        member_responses,
        education_admin,
        placement_offers,
        privacy,
    ):
        app.register_blueprint(module.pages)
    app.register_blueprint(
        audit_blueprint(audit, "/portaal/auditlog", _l("Log of exports and searches: students and responses"))
    )
    app.context_processor(labels.template_labels)
