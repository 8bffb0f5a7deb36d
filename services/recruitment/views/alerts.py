"""Pages for alerts (subscribe, confirm, unsubscribe) and for the one-click match answers."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from marshmallow import ValidationError

from services.recruitment.api.schemas import SearchArgsSchema
from services.recruitment.usecases import alerts, responses
from services.recruitment.usecases.common import NotFound, UnknownReference
from services.recruitment.usecases.search import Criteria
from services.recruitment.views.common import db, links, network_session, refusal
from services.recruitment.views.forms import AlertForm
from shared.i18n import current_language
from shared.tokens import InvalidToken
from shared.web.forms import ActionForm

pages = Blueprint("alert_pages", __name__)
CRITERIA = ("q", "category", "area", "organisation", "students", "no_vog", "long_term", "max_hours")


@pages.post("/n/<slug>/alerts")
def subscribe(slug: str):
    """Follow the current search by e-mail (a confirmation mail is sent first). Anyone."""
    form = AlertForm()
    if not form.validate_on_submit():
        return render_template("recruitment/alert_result.html", outcome="invalid", form=form), 422
    data = form.data
    try:  # the search the person came from, judged as the bank and the API judge a search
        search = SearchArgsSchema().load({**{k: data[k] for k in CRITERIA if data[k]}, "network": slug})
    except ValidationError:
        return render_template("recruitment/alert_result.html", outcome="invalid", form=form), 422
    criteria = Criteria(**{k: search[k] for k in CRITERIA}).saved()
    try:
        with network_session(slug, write=True) as (session, network):
            alerts.subscribe(
                session,
                network.id,
                data["email"],
                current_language(),
                criteria,
                data["frequency"],
                links(),
                data["consent_version"],
            )
    except UnknownReference as exc:  # a privacy statement this network never showed
        form.consent_version.errors = [refusal(exc)]
        return render_template("recruitment/alert_result.html", outcome="invalid", form=form), 422
    return render_template("recruitment/alert_result.html", outcome="check_mail"), 202


def _verified(signer, token: str) -> str:
    try:
        return signer.verify(token)
    except InvalidToken:
        abort(404)


@pages.get("/alerts/bevestigen/<token>")
def confirm(token: str):
    """The double opt-in link from the confirmation mail. Whoever holds the link."""
    subscription_id = _verified(links().confirm, token)
    with db().transaction() as session:
        try:
            alerts.confirm(session, subscription_id)
        except NotFound:
            abort(404)
    return render_template("recruitment/alert_result.html", outcome="confirmed")


@pages.route("/alerts/afmelden/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Unsubscribe page: GET asks (mail scanners follow links), POST unsubscribes. Link holder."""
    subscription_id = _verified(links().unsubscribe, token)
    if request.method == "GET":
        return render_template("recruitment/alert_result.html", outcome="confirm_unsubscribe")
    with db().transaction() as session:
        try:
            alerts.unsubscribe(session, subscription_id)
        except NotFound:
            abort(404)
    return render_template("recruitment/alert_result.html", outcome="unsubscribed")


@pages.route("/match/<token>", methods=["GET", "POST"])
def match_answer(token: str):
    """The follow-up mail's yes/no link: the page shows the answer with one button to confirm it
    (mail scanners open every link; only a person presses the button). Whoever holds the link."""
    response_id, who, answer = _verified(links().match, token)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("recruitment/match_confirm.html", form=form, answer=answer)
    with db().transaction() as session:
        try:
            responses.record_match_answer(session, response_id, who, answer)
        except NotFound:
            abort(404)
    return render_template("recruitment/alert_result.html", outcome="match_yes" if answer else "match_no")
