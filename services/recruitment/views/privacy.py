"""Pages of a person's data request (AVG art. 15 and 17): asking, confirming by the mailed link,
the download, and the coordinator's overview with a request on someone's behalf."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, redirect, render_template, url_for

from services.recruitment.api.privacy_schemas import PrivacyRequestInputSchema
from services.recruitment.usecases import privacy_requests
from services.recruitment.usecases.common import NotFound
from services.recruitment.views.common import db, links, member_page, network_session, run_step
from shared.db import utcnow
from shared.i18n import current_language, lazy_gettext
from shared.identity import Principal, Role
from shared.tokens import InvalidToken
from shared.web.forms import ActionForm
from shared.web.schema_form import SchemaForm

pages = Blueprint("privacy_pages", __name__)

ASKED_ON_BEHALF = lazy_gettext("Request recorded; it runs at once, without a confirmation mail")


def _secret() -> str:
    return current_app.extensions["knoop"].settings.secret_key


@pages.route("/n/<slug>/privacy/verzoek", methods=["GET", "POST"])
def ask(slug: str):
    """Ask to see or erase your data: a confirmation link goes to the address. Anyone."""
    form = SchemaForm(PrivacyRequestInputSchema(), initial={"kind": "access"})
    if form.validate():
        with network_session(slug, write=True) as (session, network):
            privacy_requests.ask(
                session,
                network.id,
                form.data["email"],
                form.data["kind"],
                current_language(),
                links(),
                _secret(),
            )
        return render_template("recruitment/privacy_result.html", outcome="check_mail", network=network), 202
    with network_session(slug) as (_, network):
        page = render_template("recruitment/privacy_request.html", form=form, network=network)
    return page, 422 if form.submitted else 200


def _request_id(signer, token: str) -> str:
    try:
        return signer.verify(token)
    except InvalidToken:
        abort(404)


@pages.route("/privacy/bevestigen/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The mailed link: GET asks (mail scanners open every link), the button confirms. Link holder."""
    request_id = _request_id(links().privacy_request, token)
    form = ActionForm()
    with db().transaction() as session:
        try:
            if form.validate_on_submit():
                request = privacy_requests.confirm(session, request_id, utcnow())
            else:
                request = privacy_requests.status(session, request_id)
        except (NotFound, privacy_requests.RequestGone):
            abort(404)
        return render_template(
            "recruitment/privacy_result.html", outcome=request.status, asked=request, form=form
        )


@pages.get("/privacy/gegevens/<token>")
def download_page(token: str):
    """What Knoop holds about the address, readable, with the JSON to download. Link holder."""
    return render_template("recruitment/privacy_download.html", download=_download(token), token=token)


@pages.get("/privacy/gegevens/<token>/knoop-gegevens.json")
def download_json(token: str):
    """The same as one JSON file. Link holder."""
    body = json.dumps(_download(token)["export"], ensure_ascii=False, indent=2)
    return current_app.response_class(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="knoop-gegevens.json"'},
    )


def _download(token: str) -> dict:
    request_id = _request_id(links().privacy_download, token)
    with db().reader() as session:
        try:
            request = privacy_requests.download(session, request_id, utcnow())
        except (NotFound, privacy_requests.RequestGone):
            abort(404)
        return {"request": request, "export": privacy_requests.export(request)}


@pages.route("/portaal/privacy", methods=["GET", "POST"])
@member_page(Role.COORDINATOR)
def overview(principal: Principal):
    """Every request of the network and how far each is; a request on someone's behalf. The coordinator."""
    form = SchemaForm(PrivacyRequestInputSchema(), initial={"kind": "access"})
    if form.validate():
        data = form.data

        def on_behalf(session):
            privacy_requests.ask_on_behalf(
                session, principal, data["email"], data["kind"], current_language(), _secret(), utcnow()
            )

        run_step(principal, on_behalf, ASKED_ON_BEHALF)
        return redirect(url_for("privacy_pages.overview"), code=303)
    with db().reader(network_id=principal.network_id) as session:
        page = render_template(
            "recruitment/privacy_overview.html",
            requests=privacy_requests.requests_of_network(session, principal),
            services=privacy_requests.SERVICES,
            form=form,
        )
    return page, 422 if form.submitted else 200
