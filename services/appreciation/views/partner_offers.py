"""A discount partner's own offers in pages: list with plain rules, editor, pausing, ending; the API's
use cases."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from services.appreciation.api.schemas import OfferInputSchema
from services.appreciation.domain import offer_summary
from services.appreciation.domain.clock import local_date
from services.appreciation.domain.errors import DomainError, InvalidTransition, NotFound
from services.appreciation.domain.offers import AUDIENCES, DISCOUNT_KINDS, PERIODS, USAGE_RULES
from services.appreciation.models import OrganisationReplica
from services.appreciation.usecases import offers
from services.appreciation.views.common import db, pages, partner_only
from shared.db import utcnow
from shared.i18n import lazy_gettext as _l
from shared.identity import Principal
from shared.web.forms import ActionForm
from shared.web.schema_form import SchemaForm

FIELDS = tuple(OfferInputSchema().fields)
LIST_PATH = "pass_pages.partner_offers"


@pages.get("/partner/aanbod")
@partner_only
def partner_offers(principal: Principal):
    """The partner's offers, newest first, each with its rules in plain words. Discount partners."""
    today = local_date(utcnow())
    with db().reader(network_id=principal.network_id) as session:
        rows = [
            (o, offer_summary.summarise(o), offer_summary.state(o, today))
            for o in offers.all_partner_offers(session, principal.partner_id)
        ]
        return render_template(
            "appreciation/partner_offers.html", rows=rows, clock=offer_summary.clock, action=ActionForm()
        )


@pages.route("/partner/aanbod/nieuw", methods=["GET", "POST"])
@partner_only
def new_offer(principal: Principal):
    """Add an offer. Discount partners."""
    form = _form({"discount_kind": "percentage", "usage": "unlimited", "audience": "all"})
    if form.validate() and _save(form, principal, lambda s: offers.add_offer(s, principal, form.data)):
        flash(_l("The offer was added."), "ok")
        return redirect(url_for(LIST_PATH), code=303)
    return _editor(principal, form, None)


@pages.route("/partner/aanbod/<offer_id>/bewerken", methods=["GET", "POST"])
@partner_only
def edit_offer(principal: Principal, offer_id: str):
    """Change an offer's rules. The partner whose offer it is."""
    with db().reader(network_id=principal.network_id) as session:
        offer = _own(session, principal, offer_id)
        if offer.withdrawn_at is not None:
            abort(404)
        initial = _initial(offer)
    form = _form(initial)
    step = lambda s: offers.update_offer(s, principal, offer_id, form.data)  # noqa: E731
    if form.validate() and _save(form, principal, step):
        flash(_l("The offer was changed."), "ok")
        return redirect(url_for(LIST_PATH), code=303)
    return _editor(principal, form, offer_id)


@pages.route("/partner/aanbod/<offer_id>/beeindigen", methods=["GET", "POST"])
@partner_only
def end_offer(principal: Principal, offer_id: str):
    """Ask first, then end an offer (its redemptions stay in the figures). The partner whose offer it is."""
    with db().reader(network_id=principal.network_id) as session:
        offer = _own(session, principal, offer_id)
        title = offer.title
    if request.method == "GET":
        return render_template("appreciation/partner_offer_end.html", title=title, offer_id=offer_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with db().transaction(network_id=principal.network_id) as session:
        offers.withdraw(session, principal, offer_id)
    flash(_l("The offer has ended."), "ok")
    return redirect(url_for(LIST_PATH), code=303)


PAUSE_STEPS = {
    "pauzeren": (offers.pause, _l("The offer is paused: pass holders do not see it for now.")),
    "aanzetten": (offers.resume, _l("The offer is on again.")),
}


@pages.post("/partner/aanbod/<offer_id>/<any(pauzeren, aanzetten):step>")
@partner_only
def pause_offer(principal: Principal, offer_id: str, step: str):
    """Pause an offer, or switch it on again: no confirmation, as either is undone with one tap.
    The partner whose offer it is."""
    if not ActionForm().validate_on_submit():
        abort(400)
    usecase, said = PAUSE_STEPS[step]
    try:
        with db().transaction(network_id=principal.network_id) as session:
            usecase(session, principal, offer_id)
        flash(said, "ok")
    except NotFound:
        abort(404)
    except InvalidTransition:
        flash(_l("An ended offer cannot be paused or switched on again."), "error")
    return redirect(url_for(LIST_PATH), code=303)


def _own(session, principal: Principal, offer_id: str):
    try:
        return offers.own_offer(session, principal, offer_id)
    except NotFound:
        abort(404)


def _form(initial: dict) -> SchemaForm:
    return SchemaForm(OfferInputSchema(), initial=initial)


def _initial(offer) -> dict:
    values = {name: getattr(offer, name) for name in FIELDS}
    for name in ("starts_at", "ends_at"):
        values[name] = values[name].strftime("%H:%M") if values[name] else None
    values["weekdays"] = [str(d) for d in values["weekdays"] or ()]
    return values


def _save(form: SchemaForm, principal: Principal, step: Callable) -> bool:
    """Run the editor's use case in one transaction: True when saved, else the reason on the form
    (and nothing written)."""
    try:
        with db().transaction(network_id=principal.network_id) as session:
            step(session)
        return True
    except offers.UnknownOrganisation:
        form.add_error("organisations", _l("Choose one of the options."))
    except offers.QuantityBelowRedeemed:
        form.add_error("total_quantity", _l("The offer was already redeemed more often than that."))
    except NotFound:
        abort(404)
    except InvalidTransition:
        abort(404)  # ended meanwhile: no longer editable
    except DomainError:
        form.add_error("_form", _l("This step is not possible now."))
    return False


def _editor(principal: Principal, form: SchemaForm, offer_id: str | None):
    with db().reader(network_id=principal.network_id) as session:
        members = [
            (o.id, o.name)
            for o in session.scalars(select(OrganisationReplica).order_by(OrganisationReplica.name))
        ]
    return render_template(
        "appreciation/partner_offer_form.html",
        form=form,
        offer_id=offer_id,
        members=members,
        kinds=DISCOUNT_KINDS,
        usages=USAGE_RULES,
        periods=PERIODS,
        audiences=AUDIENCES,
        options=lambda keys, names: [(key, names[key]) for key in keys],
        action=request.path,
    ), (422 if form.submitted else 200)
