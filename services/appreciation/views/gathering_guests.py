"""An appreciation event's guests for its organiser: the figures as bars, the guest list by status
with the answers to the event's questions, and the same list as CSV for a spreadsheet."""

from __future__ import annotations

from flask import render_template

from services.appreciation.domain.gatherings import ATTENDED, InvitationStatus
from services.appreciation.models import Invitation
from services.appreciation.usecases import gatherings as usecases
from services.appreciation.usecases import guests
from services.appreciation.views.common import db, pages
from services.appreciation.views.gathering_admin import ORGANISERS, organised_or_404, when
from shared.i18n import lazy_gettext as _l
from shared.identity import Principal
from shared.web.auth import page_for
from shared.web.spreadsheet import csv_response

PARTIES = (*InvitationStatus.COMING, InvitationStatus.WAITING)  # statuses whose guests count
# The CSV's columns (the questions follow, one column each), headed in the page's language.
CSV_COLUMNS = {
    "name": _l("Name"),
    "email": _l("E-mail"),
    "organisations": _l("Organisation"),
    "status": _l("Status"),
    "guests": _l("Guests"),
    "waiting_position": _l("Number on the waiting list"),
    "offered_until": _l("Place offered until"),
    "attended": _l("Attended"),
}
CSV_STATUS = {
    "signed_up": _l("coming"),
    ATTENDED: _l("came"),
    "offered": _l("place offered"),
    "waiting": _l("waiting list"),
    "invited": _l("invited"),
    "declined": _l("not coming"),
    "cancelled": _l("cancelled"),
    "lapsed": _l("offer lapsed"),
}


@pages.get("/evenementen/<event_id>/gasten")
@page_for(*ORGANISERS)
def event_admin_guests(principal: Principal, event_id: str):
    """The event's figures as bars and the guest list by status, with the answers to the
    questions. Its organiser."""
    with db().reader(network_id=principal.network_id) as session:
        gathering = organised_or_404(session, principal, event_id)
        return render_template(
            "appreciation/event_admin_guests.html",
            gathering=gathering,
            groups=guests.guest_list(session, gathering),
            figures=usecases.figures(session, gathering),
            when=when,
        )


@pages.get("/evenementen/<event_id>/gasten.csv")
@page_for(*ORGANISERS)
def event_admin_guests_csv(principal: Principal, event_id: str):
    """The guest list as CSV (`;`, UTF-8 with a BOM for Excel), one row per person, headed and
    worded in the page's language, with a column per question. Its organiser."""
    with db().transaction(network_id=principal.network_id) as session:
        gathering = organised_or_404(session, principal, event_id)
        questions = list(gathering.questions or ())
        names = guests.organisation_names(session, principal)
        rows = [
            _row(i, status, n, names, questions)
            for status, people in guests.export_guest_list(session, principal, gathering)
            for n, i in enumerate(people, start=1)
        ]
    headers = tuple(str(h) for h in CSV_COLUMNS.values()) + tuple(questions)
    return csv_response(rows, "gasten.csv", headers)


def _row(i: Invitation, status: str, n: int, names: dict[str, str], questions: list[str]) -> dict:
    """One person's line; `n` is their place in their group (on the waiting list: their number)."""
    heading = {key: str(text) for key, text in CSV_COLUMNS.items()}
    values = {
        "name": i.holder.name,
        "email": i.holder.email,
        "organisations": ", ".join(sorted(names[o] for o in i.holder.organisation_ids if o in names)),
        "status": str(CSV_STATUS.get(status, status)),
        "guests": i.seats - 1 if i.status in PARTIES else "",
        "waiting_position": n if status == InvitationStatus.WAITING else "",
        "offered_until": when(i.offer_expires_at),
        "attended": str(_l("yes")) if i.checked_in_at else str(_l("no")),
    }
    answers = i.answers or {}
    return {heading[key]: value for key, value in values.items()} | {q: answers.get(q, "") for q in questions}
