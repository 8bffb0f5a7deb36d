"""The holder's pass page: QR code, number, validity, offers they may use, events, history."""

from __future__ import annotations

from flask import abort, render_template

from services.appreciation.domain import offers as offer_rules
from services.appreciation.domain import passes as pass_rules
from services.appreciation.domain.clock import local_date
from services.appreciation.models import PassHolder
from services.appreciation.usecases import offers, passes
from services.appreciation.views.common import db, links, pages, qr_svg
from shared.db import utcnow
from shared.i18n import lazy_gettext
from shared.tokens import InvalidToken

# What became of an invitation, in the holder's words.
INVITATION_STATUS = {
    "invited": lazy_gettext("Invited"),
    "signed_up": lazy_gettext("Signed up"),
    "waiting": lazy_gettext("On the waiting list"),
    "offered": lazy_gettext("A place is offered to you"),
    "declined": lazy_gettext("Not coming"),
    "cancelled": lazy_gettext("Cancelled"),
    "lapsed": lazy_gettext("Offered place not taken"),
}


@pages.get("/pas/<token>")
def holder(token: str):
    """The pass: QR code, number, validity, the offers this holder may use, their events (each
    linking its personal invitation page), the history and the e-mail preferences.
    Whoever holds the link from the pass e-mail."""
    try:
        holder_id, version = links().holder.verify(token)
    except (InvalidToken, ValueError, TypeError):
        abort(404)
    with db().reader() as session:
        holder_row = session.get(PassHolder, holder_id)
        if holder_row is None or holder_row.link_version != version:
            abort(404)  # a link from before a reissue
    with db().reader(network_id=holder_row.network_id) as session:
        view = passes.holder_view(session, holder_id)
        today = local_date(utcnow())
        usable = [o for o in offers.current_offers(session) if offer_rules.is_eligible(o, view.holder)]
        current = view.pass_
        return render_template(
            "appreciation/holder.html",
            holder=view.holder,
            pass_=current,
            status=pass_rules.shown_status(current, today) if current else None,
            number=pass_rules.grouped(current.number) if current else "",
            qr=qr_svg(links().qr_url(current.id)) if current and current.status == "active" else None,
            offers=usable,
            history=view.history,
            events=[
                {
                    "gathering": i.gathering,
                    "status": INVITATION_STATUS.get(i.status, i.status),
                    "url": links().invitation_page(i.id),
                }
                for i in view.invitations
            ],
            preferences_url=links().preferences_page(view.holder.email) if view.holder.email else None,
        )
