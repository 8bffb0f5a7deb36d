"""A discount partner's start page (today's redemptions, with undo; the offers) and its figures."""

from __future__ import annotations

from flask import redirect, render_template, url_for

from services.appreciation.usecases.redemptions import figures, today
from services.appreciation.views.common import db, pages, partner_only
from services.appreciation.views.counter import undo_and_say
from shared.db import utcnow
from shared.identity import Principal
from shared.web.forms import ActionForm
from shared.web.spreadsheet import csv_response


@pages.get("/partner")
@partner_only
def partner_start(principal: Principal):
    """Today's redemptions (undo a wrong one) and the offers. Discount partners."""
    now = utcnow()
    with db().reader(network_id=principal.network_id) as session:
        return render_template(
            "appreciation/partner_start.html",
            redemptions=today.todays_redemptions(session, principal, now),
            offers=today.current_offers(session, principal, now),
            action=ActionForm(),
        )


@pages.post("/partner/inwisselingen/<redemption_id>/ongedaan")
@partner_only
def undo_from_start(principal: Principal, redemption_id: str):
    """Undo one of today's redemptions, back on the start page. The partner that made it."""
    undo_and_say(principal, redemption_id)
    return redirect(url_for("pass_pages.partner_start"), code=303)


@pages.get("/partner/cijfers")
@partner_only
def partner_figures(principal: Principal):
    """The partner's redemptions per offer and month: a bar per month with its number beside it.
    Discount partners."""
    with db().reader(network_id=principal.network_id) as session:
        rows = figures.figures(session, principal)
    return render_template("appreciation/partner_figures.html", offers=figures.per_offer(rows))


@pages.get("/partner/cijfers.csv")
@partner_only
def partner_figures_csv(principal: Principal):
    """The same figures as CSV, as the API gives them. Discount partners."""
    with db().reader(network_id=principal.network_id) as session:
        rows = figures.figures(session, principal)
    return csv_response(rows, "inwisselingen.csv", figures.COLUMNS)
