"""Helpers every appreciation API module uses: the prefix, the caller's unit of work, links."""

from __future__ import annotations

from flask import current_app

from services.appreciation.links import Links
from shared.web.units import core_unit_of_work, kit, reader, unit_of_work

PREFIX = "/api/appreciation"
SECURED = [{"apiToken": []}]

__all__ = ["PREFIX", "SECURED", "core_unit_of_work", "kit", "links", "reader", "unit_of_work"]


def links() -> Links:
    return current_app.extensions["appreciation_links"]
