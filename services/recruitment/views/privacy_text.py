"""The network's privacy statement: its public page (any saved version, the current one by default)
and the coordinator's page to write a new version, with the history and each version's consents.
`privacy_ref` gives consent forms the version they show, for their hidden field and link."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from services.recruitment.api.consent_schemas import PrivacyTextInputSchema
from services.recruitment.usecases import consents
from services.recruitment.usecases.common import network_of
from services.recruitment.views.common import db, member_page, network_session, run_step
from shared.i18n import lazy_gettext
from shared.identity import Principal, Role
from shared.web.schema_form import SchemaForm

pages = Blueprint("privacy_text", __name__)


@dataclass(frozen=True)
class PrivacyRef:
    """The privacy statement a page shows beside a consent: the network and the version."""

    slug: str
    version: int

    @property
    def url(self) -> str:
        return f"/n/{self.slug}/privacy?versie={self.version}"


def privacy_ref(session: Session, network_id: str) -> PrivacyRef:
    """The version a consent form shows now (it travels in the form, so the consent names it)."""
    return PrivacyRef(network_of(session, network_id).slug, consents.current_version(session, network_id))


def _asked_version() -> int | None:
    asked = request.args.get("versie", "")
    if not asked:
        return None
    if not asked.isdigit():
        abort(404)
    return int(asked)


@pages.get("/n/<slug>/privacy")
def statement(slug: str):
    """The network's privacy statement; `?versie=N` shows the version a consent form linked to. Anyone."""
    asked = _asked_version()
    with network_session(slug) as (session, network):
        current = consents.current_text(session, network.id)
        version = asked if asked is not None else (current.version if current else consents.DEFAULT_VERSION)
        text = consents.text_version(session, network.id, version) if version else None
        if version and text is None:
            abort(404)
        return render_template(
            "recruitment/privacy_statement.html",
            network=network,
            text=text,
            version=version,
            newer=current is not None and current.version > version,
        )


def _editor(principal: Principal, form: SchemaForm, status: int = 200):
    with db().reader(network_id=principal.network_id) as session:
        network = network_of(session, principal.network_id)
        current = consents.current_text(session, network.id)
        return render_template(
            "recruitment/coordinator_privacy.html",
            network=network,
            current=current,
            form=form,
            based_on=form.text("based_on") or (current.version if current else consents.DEFAULT_VERSION),
            history=consents.history(session, network.id),
        ), status


@pages.route("/portaal/privacytekst", methods=["GET", "POST"])
@member_page(Role.COORDINATOR)
def edit(principal: Principal):
    """Write the network's privacy statement (each save is a new version) and see how many consents
    each version has. The coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        current = consents.current_text(session, principal.network_id)
    form = SchemaForm(PrivacyTextInputSchema(), {"body": current.body if current else ""})
    if form.validate():
        saved = run_step(
            principal,
            lambda session: consents.save_text(session, principal, form.data["body"], form.data["based_on"]),
            lazy_gettext("The privacy statement is saved as a new version."),
        )
        if saved:
            return redirect(url_for("privacy_text.edit"), code=303)
        return _editor(principal, form, status=422)  # refused: the reason is flashed above the form
    return _editor(principal, form, status=422 if form.errors else 200)
