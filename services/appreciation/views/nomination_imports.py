"""A large nomination file's progress page: how many rows are done, refreshing itself while the
worker runs, and the per-row report once it is done."""

from __future__ import annotations

from babel.numbers import format_decimal
from flask import abort, render_template

from services.appreciation.domain.errors import NotFound
from services.appreciation.domain.imports import DONE
from services.appreciation.usecases import imports
from services.appreciation.views.common import db, pages
from shared.i18n import current_language
from shared.identity import Principal, Role
from shared.web.auth import page_for

REFRESH_SECONDS = 2


@pages.get("/nominaties/bestand/<import_id>")
@page_for(Role.ORGANISATION, Role.COORDINATOR)
def nomination_import(principal: Principal, import_id: str):
    """How far the file is, and its report when done. Only the member organisation or coordinator
    that sent the file (404 for anyone else)."""
    with db().reader(network_id=principal.network_id) as session:
        try:
            progress = imports.progress(session, principal, import_id)
        except NotFound:
            abort(404)
        job = progress.job
        return render_template(
            "appreciation/nomination_import.html",
            job=job,
            done=shown_number(job.done),
            total=shown_number(job.total),
            finished=job.status == DONE,
            refresh=REFRESH_SECONDS,
            report=progress.report,
            coordinator=principal.role == Role.COORDINATOR,
        )


def shown_number(n: int) -> str:
    """A count as the page's language writes it (1.000 in Dutch)."""
    return format_decimal(n, locale=current_language())
