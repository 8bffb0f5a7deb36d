"""The coordinator's discount partners: list, admit (its till token shown once), edit, issue a till
token (shown once) or revoke one, and remove a partner after confirming."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from services.appreciation.api.schemas import (
    CATEGORIES,
    DiscountPartnerInputSchema,
    PartnerContactSchema,
    TillTokenInputSchema,
)
from services.appreciation.domain.errors import NotFound
from services.appreciation.usecases import partners as usecases
from services.appreciation.views.common import db, links, pages
from shared.i18n import lazy_gettext as _l
from shared.identity import Principal, Role
from shared.web.auth import page_for
from shared.web.forms import ActionForm
from shared.web.schema_form import SchemaForm
from shared.web.security import NO_STORE

CATEGORY_NAMES = {
    "theatre": _l("Theatre"),
    "cinema": _l("Cinema"),
    "museum": _l("Museum"),
    "swimming_pool": _l("Swimming pool"),
    "shop": _l("Shop"),
    "other": _l("Other"),
}
LANGUAGE_NAMES = {"nl": _l("Dutch"), "en": _l("English")}
CONTACT_FIELDS = ("name", "contact_name", "contact_email", "language")


def _choices() -> dict:
    return {
        "categories": [(c, CATEGORY_NAMES[c]) for c in CATEGORIES],
        "languages": list(LANGUAGE_NAMES.items()),
        "category_names": CATEGORY_NAMES,
    }


@pages.get("/partners")
@page_for(Role.COORDINATOR)
def partner_list(principal: Principal):
    """The network's discount partners with their login addresses. Coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        found = usecases.discount_partners(session)
        return render_template("appreciation/partner_list.html", partners=found, **_choices())


@pages.route("/partners/nieuw", methods=["GET", "POST"])
@page_for(Role.COORDINATOR)
def partner_admit(principal: Principal):
    """Admit a discount partner; the page shows its till token once, as the API does. Coordinator."""
    form = SchemaForm(DiscountPartnerInputSchema(), initial={"language": "nl"})
    if not form.validate():
        status = 422 if form.submitted else 200
        return render_template("appreciation/partner_admit.html", form=form, **_choices()), status
    with db().transaction(network_id=principal.network_id) as session:
        partner, token = usecases.admit_discount_partner(session, principal.network_id, form.data, links())
        name, welcomed = partner.name, bool(partner.contact_email)
    # No redirect: the token exists only in this answer (only its hash is kept).
    page = render_template("appreciation/partner_admitted.html", name=name, token=token, welcomed=welcomed)
    return page, 201, NO_STORE


@pages.route("/partners/<partner_id>/bewerken", methods=["GET", "POST"])
@page_for(Role.COORDINATOR)
def partner_edit(principal: Principal, partner_id: str):
    """Change a partner's name, contact and login address. Coordinator, own network."""
    with db().reader(network_id=principal.network_id) as session:
        try:
            found = usecases.live_partner(session, principal.network_id, partner_id)
        except NotFound:
            abort(404)
        initial = {name: getattr(found, name) for name in CONTACT_FIELDS}
        tokens = usecases.partner_tokens(session, principal.network_id, partner_id)
    form = SchemaForm(PartnerContactSchema(partial=True), initial=initial)
    if not form.validate():
        status = 422 if form.submitted else 200
        return render_template(
            "appreciation/partner_edit.html",
            form=form,
            token_form=SchemaForm(TillTokenInputSchema(), submitted=False),
            name=initial["name"],
            partner_id=partner_id,
            tokens=tokens,
            **_choices(),
        ), status
    with db().transaction(network_id=principal.network_id) as session:
        usecases.update_partner(session, principal.network_id, partner_id, form.data)
    flash(_l("Partner saved."), "ok")
    return redirect(url_for("pass_pages.partner_list"), code=303)


@pages.route("/partners/<partner_id>/sleutels/<token_id>/intrekken", methods=["GET", "POST"])
@page_for(Role.COORDINATOR)
def partner_token_revoke(principal: Principal, partner_id: str, token_id: str):
    """Revoke a partner's till token: GET asks for confirmation, POST does it. Coordinator."""
    back = url_for("pass_pages.partner_edit", partner_id=partner_id)
    with db().reader(network_id=principal.network_id) as session:
        try:
            name = usecases.partner(session, principal.network_id, partner_id).name
            tokens = usecases.partner_tokens(session, principal.network_id, partner_id)
        except NotFound:
            abort(404)
    if token_id not in [t.id for t in tokens]:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template(
            "appreciation/pass_confirm.html",
            form=form,
            question=_l("Revoke this till token?"),
            consequence=_l(
                "The till system using it can no longer redeem passes; its login link is not affected."
            ),
            holder_name=name,
            number=None,
            back=back,
        )
    with db().transaction(network_id=principal.network_id) as session:
        usecases.revoke_partner_token(session, principal.network_id, partner_id, token_id)
    flash(_l("Till token revoked."), "ok")
    return redirect(back, code=303)


def _live_name(principal: Principal, partner_id: str) -> str:
    with db().reader(network_id=principal.network_id) as session:
        try:
            return usecases.live_partner(session, principal.network_id, partner_id).name
        except NotFound:
            abort(404)


@pages.route("/partners/<partner_id>/sleutels/nieuw", methods=["GET", "POST"])
@page_for(Role.COORDINATOR)
def partner_token_new(principal: Principal, partner_id: str):
    """Issue another till token to a partner; the page shows it once, as the API does. Coordinator,
    own network."""
    name = _live_name(principal, partner_id)
    form = SchemaForm(TillTokenInputSchema())
    if not form.validate():
        status = 422 if form.submitted else 200
        return render_template(
            "appreciation/partner_token_new.html", form=form, name=name, partner_id=partner_id
        ), status
    with db().transaction(network_id=principal.network_id) as session:
        _, token = usecases.issue_partner_token(session, principal.network_id, partner_id, form.data["name"])
    # No redirect: the token exists only in this answer (only its hash is kept).
    return (
        render_template(
            "appreciation/partner_token_issued.html", name=name, partner_id=partner_id, token=token
        ),
        201,
        NO_STORE,
    )


@pages.route("/partners/<partner_id>/verwijderen", methods=["GET", "POST"])
@page_for(Role.COORDINATOR)
def partner_remove(principal: Principal, partner_id: str):
    """Remove a partner: GET says what ends and asks, POST does it. Coordinator, own network."""
    name = _live_name(principal, partner_id)
    form = ActionForm()
    if not form.validate_on_submit():
        with db().reader(network_id=principal.network_id) as session:
            ends = usecases.removal(session, principal.network_id, partner_id)
        return render_template(
            "appreciation/partner_remove.html", form=form, name=name, partner_id=partner_id, ends=ends
        )
    with db().transaction(network_id=principal.network_id) as session:
        usecases.remove_partner(session, principal.network_id, partner_id)
    flash(_l("%(name)s was removed.", name=name), "ok")
    return redirect(url_for("pass_pages.partner_list"), code=303)
