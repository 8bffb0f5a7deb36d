"""The partner's counter page on a phone: scan or type the pass, redeem in one tap (the same use
case as the tills' API), and undo a wrong tap."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from services.appreciation.domain import offers as offer_rules
from services.appreciation.domain import passes as pass_rules
from services.appreciation.domain.clock import local_date
from services.appreciation.domain.errors import InvalidTransition, NotFound
from services.appreciation.domain.offers import Outcome
from services.appreciation.models import DiscountPartner, Pass, PassHolder
from services.appreciation.usecases.redemptions import counter as redemptions
from services.appreciation.usecases.redemptions.counter import Presented
from services.appreciation.usecases.redemptions.redeem import Result
from services.appreciation.views.common import db, links, pages, partner_only
from services.appreciation.views.forms import NumberForm, RedeemForm
from shared.db import utcnow
from shared.i18n import lazy_gettext
from shared.identity import Principal
from shared.web.forms import ActionForm


def _counter_page(principal: Principal, pass_: Pass | None, code: dict, result=None, status: int = 200):
    """The page a partner sees for a presented pass: first name, validity, offers, one-tap buttons."""
    with db().reader(network_id=principal.network_id) as session:
        partner = session.get(DiscountPartner, principal.partner_id)
        context = {"partner": partner, "result": result, "code": code, "action": ActionForm()}
        if pass_ is not None:
            holder_row = session.get(PassHolder, pass_.holder_id)
            now = utcnow()
            context |= {
                "pass_": pass_,
                "first_name": pass_rules.first_name(holder_row.name),
                "refusal": offer_rules.pass_refusal(pass_, local_date(now)),
                "offers": redemptions.offers_for_pass(session, principal, pass_, now),
                "form": RedeemForm(formdata=None),
            }
        return render_template(
            "appreciation/counter.html",
            number_form=NumberForm(formdata=None),
            messages=Outcome.MESSAGES,
            reasons=offer_rules.Availability.REASONS,
            **context,
        ), status


@pages.route("/kassa", methods=["GET", "POST"])
@partner_only
def counter(principal: Principal):
    """The counter page on a phone: type the number (or scan the QR), then redeem in one tap.
    Discount partners; a wrong number counts towards the rate limit."""
    if request.method == "GET":
        return _counter_page(principal, None, {})
    redeem_form = RedeemForm()
    number = request.form.get("number", "")
    if not redeem_form.validate_on_submit() and not NumberForm().validate_on_submit():
        abort(400)
    return _present(principal, {"number": number}, redeem_form.offer_id.data or None)


@pages.route("/p/<token>", methods=["GET", "POST"])
@partner_only
def scanned(principal: Principal, token: str):
    """Scanning the pass's QR code opens this page on the partner's phone. Discount partners."""
    if request.method == "POST" and not RedeemForm().validate_on_submit():
        abort(400)
    offer_id = request.form.get("offer_id") if request.method == "POST" else None
    return _present(principal, {"qr": token}, offer_id)


def _present(principal: Principal, code: dict, offer_id: str | None):
    """Look the pass up and, given an offer, redeem it through the use case the tills' API calls."""
    presented = Presented(code.get("qr"), code.get("number"), request.remote_addr or "")
    with db().transaction(network_id=principal.network_id) as session:
        pass_, result = redemptions.present_at_counter(session, principal, links(), presented, offer_id)
    if pass_ is None:
        return _counter_page(principal, None, code, result=Result(Outcome.UNKNOWN), status=404)
    return _counter_page(principal, pass_, code, result=result)


@pages.post("/inwisselingen/<redemption_id>/ongedaan")
@partner_only
def undo(principal: Principal, redemption_id: str):
    """Take back a redemption within 10 minutes. The partner that made it."""
    undo_and_say(principal, redemption_id)
    return redirect(url_for("pass_pages.counter"), code=303)


def undo_and_say(principal: Principal, redemption_id: str) -> None:
    """Undo a redemption from a page's form and flash what came of it (404 for another's)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with db().transaction(network_id=principal.network_id) as session:
            redemptions.undo(session, principal, redemption_id)
        flash(lazy_gettext("The redemption was undone."), "ok")
    except NotFound:
        abort(404)
    except InvalidTransition:
        flash(lazy_gettext("A redemption can be undone within 10 minutes only."), "error")
