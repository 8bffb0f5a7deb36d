"""The coordinator's page of a service's audit trail: who exported or searched personal data, newest
first, filtered by action and by date, fifty a page. Each service mounts it at its own path."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request

from shared.audit import AuditTrail
from shared.i18n import LOCAL_TIME, LazyText
from shared.i18n import lazy_gettext as _l
from shared.identity import Principal, Role
from shared.web.auth import page_for

# What each action is called on the page (the keys are what the services record).
ACTION_NAMES: dict[str, LazyText] = {
    "students.csv": _l("Students exported (CSV)"),
    "students.list": _l("Students fetched (API)"),
    "responses.list": _l("Responses fetched (API)"),
    "holders.search": _l("Pass holders searched"),
    "passes.list": _l("Passes fetched (API)"),
    "guests.csv": _l("Guest list exported (CSV)"),
    "deliveries.search": _l("Message log searched"),
    "deliveries.list": _l("Message log fetched (API)"),
}


def local_day(text: str) -> date | None:
    """A date typed in the filter (YYYY-MM-DD), or None when it is empty or no date."""
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def day_start(day: date | None) -> datetime | None:
    """The moment a day begins on the Dutch wall clock (the page's dates are local dates)."""
    return datetime.combine(day, time(), tzinfo=LOCAL_TIME) if day else None


def audit_blueprint(trail: AuditTrail, path: str, title: LazyText) -> Blueprint:
    """The page of `trail` at `path`, headed `title`, for the network's coordinator."""
    pages = Blueprint("audit_pages", __name__)

    @pages.get(path)
    @page_for(Role.COORDINATOR)
    def audit_log(principal: Principal):
        """The network's exports and searches of personal data, newest first. Its coordinator."""
        action = request.args.get("action", "")[:60]
        since, until = local_day(request.args.get("from", "")), local_day(request.args.get("to", ""))
        number = request.args.get("page", "1")
        number = int(number) if number.isdigit() and 0 < int(number) < 10_000 else 1
        chosen = {"action": action, "from": since or "", "to": until or ""}
        db = current_app.extensions["knoop"].db
        with db.reader(network_id=principal.network_id) as session:
            found = trail.page(
                session,
                action=action,
                since=day_start(since),
                until=day_start(until + timedelta(days=1)) if until else None,
                page=number,
            )
            actions = trail.actions(session)
        return render_template(
            "knoop/audit.html",
            title=title,
            found=found,
            actions=actions,
            names=ACTION_NAMES,
            chosen=chosen,
            page_link=lambda p: "?" + urlencode({**chosen, "page": p}),
        )

    return pages
