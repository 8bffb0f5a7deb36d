"""Appreciation's pages for people (under /waardering): the holder's pass page; the partner's login,
start page, counter, offers and figures; the coordinator's and members' pass administration and
the coordinator's discount partners; the network's public offers; and invitations, feedback and
the door list of appreciation events (Gathering in code)."""

from __future__ import annotations

from flask import Flask

from services.appreciation.usecases.common import audit
from services.appreciation.views import (
    counter,
    gathering_admin,
    gathering_guests,
    gatherings,
    member_passes,
    nomination_imports,
    partner_admin,
    partner_offers,
    partner_start,
    partners,
    pass_admin,
    passes,
)
from services.appreciation.views.common import pages
from shared.i18n import lazy_gettext as _l
from shared.web.audit_page import audit_blueprint

# Each module adds its routes to the one blueprint: endpoint names stay `pass_pages.<view>`.
VIEWS = (
    passes,
    partners,
    counter,
    partner_start,
    partner_offers,
    gatherings,
    pass_admin,
    member_passes,
    nomination_imports,
    partner_admin,
    gathering_admin,
    gathering_guests,
)


def register_pages(app: Flask) -> None:
    """The pages' blueprint, with every view module's routes on it."""
    app.register_blueprint(pages)
    app.register_blueprint(
        audit_blueprint(audit, "/waardering/auditlog", _l("Log of exports and searches: passes and events"))
    )
