"""The coordinator's categories, education partners, and access for systems: per member and per
partner the API tokens of their own systems, issued (shown once), listed (never the secret) and
revoked after a confirmation step. Every change goes through the same use cases as the API."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from services.recruitment.api.education_schemas import PartnerInputSchema
from services.recruitment.api.schemas import CategoryNameSchema, CategorySchema
from services.recruitment.usecases import access, education, registry
from services.recruitment.usecases.common import Conflict, NotFound
from services.recruitment.views.common import db, member_page, run_step
from services.recruitment.views.registry_admin import check_csrf
from shared.i18n import lazy_gettext
from shared.identity import Principal, Role
from shared.web.schema_form import SchemaForm
from shared.web.security import NO_STORE

pages = Blueprint("registry_access", __name__)
COORDINATOR = Role.COORDINATOR
PARTNER_FIELDS = tuple(PartnerInputSchema().fields)


# --- categories ------------------------------------------------------------------------------


def _key_from(name: str) -> str:
    """A category's key for addresses, made from its name when the coordinator gives none."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


def _categories_page(principal: Principal, form: SchemaForm, status: int = 200):
    with db().reader(network_id=principal.network_id) as session:
        found = registry.categories(session)
        return render_template("recruitment/admin_categories.html", categories=found, form=form), status


@pages.route("/portaal/categorieen", methods=["GET", "POST"])
@member_page(COORDINATOR)
def categories(principal: Principal):
    """The network's activity categories; add one. The coordinator."""
    form = SchemaForm(CategorySchema())
    if form.submitted and not str(form.raw.get("key", "")).strip():
        form.raw["key"] = _key_from(str(form.raw.get("name", "")))
    if form.validate():
        try:
            with db().transaction(network_id=principal.network_id) as session:
                registry.add_category(session, principal.network_id, **form.data)
        except Conflict:
            form.add_error("key", lazy_gettext("There is a category with this short name already."))
        else:
            flash(lazy_gettext("Category %(name)s is added.", name=form.data["name"]), "ok")
            return redirect(url_for("registry_access.categories"), code=303)
    return _categories_page(principal, form, 422 if form.errors else 200)


@pages.route("/portaal/categorieen/<key>", methods=["GET", "POST"])
@member_page(COORDINATOR)
def rename_category(principal: Principal, key: str):
    """Rename a category (its short name stays, so links keep working). The coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        category = next((c for c in registry.categories(session) if c.key == key), None)
    if category is None:
        abort(404)
    form = SchemaForm(CategoryNameSchema(), {"name": category.name})
    if form.validate() and run_step(
        principal,
        lambda session: registry.rename_category(session, key, form.data["name"]),
        lazy_gettext("The category is now called %(name)s.", name=form.data["name"]),
    ):
        return redirect(url_for("registry_access.categories"), code=303)
    status = 422 if form.errors else 200
    return render_template("recruitment/admin_category.html", category=category, form=form), status


@pages.route("/portaal/categorieen/<key>/verwijderen", methods=["GET", "POST"])
@member_page(COORDINATOR)
def remove_category(principal: Principal, key: str):
    """Ask first; remove a category no vacancy uses. The coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        category = next((c for c in registry.categories(session) if c.key == key), None)
    if category is None:
        abort(404)
    if request.method == "GET":
        return render_template("recruitment/admin_category_remove.html", category=category)
    check_csrf()
    try:
        with db().transaction(network_id=principal.network_id) as session:
            registry.remove_category(session, key)
    except registry.CategoryInUse as exc:
        flash(_in_use(exc.count), "error")
    else:
        flash(lazy_gettext("Category %(name)s is removed.", name=category.name), "ok")
    return redirect(url_for("registry_access.categories"), code=303)


def _in_use(count: int):
    if count == 1:
        return lazy_gettext("1 vacancy still uses this category; move it to another first.")
    return lazy_gettext("%(num)s vacancies still use this category; move them to another first.", num=count)


# --- education partners ----------------------------------------------------------------------


@pages.get("/portaal/onderwijspartners")
@member_page(COORDINATOR)
def partners(principal: Principal):
    """The network's education partners and their agreement periods. The coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        return render_template("recruitment/admin_partners.html", partners=education.partners(session))


@pages.route("/portaal/onderwijspartners/nieuw", methods=["GET", "POST"])
@pages.route("/portaal/onderwijspartners/<partner_id>", methods=["GET", "POST"])
@member_page(COORDINATOR)
def partner_form(principal: Principal, partner_id: str | None = None):
    """Record an agreement with a study programme, or edit it (end it by its end date)."""
    partner, initial = None, {"language": "nl"}
    if partner_id:
        with db().reader(network_id=principal.network_id) as session:
            try:
                partner = education.partner(session, partner_id)
            except NotFound:
                abort(404)
            initial = {name: getattr(partner, name) for name in PARTNER_FIELDS}
    form = SchemaForm(PartnerInputSchema(), initial)
    if form.validate():
        if partner_id:
            step = lambda session: education.update_partner(session, partner_id, form.data)  # noqa: E731
            done = lazy_gettext("The agreement with %(name)s is saved.", name=form.data["institution"])
        else:
            step = lambda session: education.add_partner(session, principal.network_id, form.data)  # noqa: E731
            done = lazy_gettext(
                "%(name)s is an education partner. A login link can go to %(email)s.",
                name=form.data["institution"],
                email=form.data["contact_email"],
            )
        if run_step(principal, step, done):
            return redirect(url_for("registry_access.partners"), code=303)
    status = 422 if form.errors else 200
    return render_template("recruitment/admin_partner_form.html", form=form, partner=partner), status


# --- access: API tokens ----------------------------------------------------------------------


def _holder(session, principal: Principal, kind: str, holder_id: str):
    """(holder's name, tokens) of a member ("leden") or a partner ("onderwijspartners")."""
    try:
        if kind == "leden":
            name = registry.get_member(session, holder_id).name
            found = access.tokens_of(session, principal.network_id, organisation_id=holder_id)
        else:
            partner = education.partner(session, holder_id)
            name = f"{partner.institution}, {partner.programme}"
            found = access.tokens_of(session, principal.network_id, partner_id=holder_id)
    except NotFound:
        abort(404)
    return name, found


@pages.get("/portaal/toegang")
@member_page(COORDINATOR)
def overview(principal: Principal):
    """Who may log in for whom, and the way to each one's API keys. The coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        return render_template(
            "recruitment/admin_access.html",
            members=registry.organisations(session),
            partners=education.partners(session),
        )


@pages.route("/portaal/toegang/<any(leden, onderwijspartners):kind>/<holder_id>", methods=["GET", "POST"])
@member_page(COORDINATOR)
def tokens(principal: Principal, kind: str, holder_id: str):
    """A member's or partner's API keys; issue a new one, shown on this page once. The coordinator."""
    issued = None
    if request.method == "POST":
        check_csrf()
        label = request.form.get("name", "").strip()[:200] or str(lazy_gettext("API key"))
        issue = access.issue_member_token if kind == "leden" else access.issue_partner_token
        try:
            with db().transaction(network_id=principal.network_id) as session:
                issued = issue(session, principal.network_id, holder_id, label)
        except NotFound:
            abort(404)
    with db().reader(network_id=principal.network_id) as session:
        name, found = _holder(session, principal, kind, holder_id)
        page = render_template(
            "recruitment/admin_tokens.html",
            kind=kind,
            holder_id=holder_id,
            name=name,
            tokens=found,
            issued=issued,
        )
    # A page showing a new secret must not stay in a browser's or a proxy's cache.
    return page, 200, NO_STORE if issued else {}


@pages.route("/portaal/toegang/sleutels/<token_id>/intrekken", methods=["GET", "POST"])
@member_page(COORDINATOR)
def revoke(principal: Principal, token_id: str):
    """Ask first; then the key stops working in every service. The coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        try:
            token = access.token_holder(session, principal.network_id, token_id)
        except NotFound:
            abort(404)
        kind, holder_id = (
            ("leden", token.organisation_id)
            if token.organisation_id
            else ("onderwijspartners", token.partner_id)
        )
        if holder_id is None:
            abort(404)  # the coordinator's own key is not revoked from this page
        name, _ = _holder(session, principal, kind, holder_id)
    back = url_for("registry_access.tokens", kind=kind, holder_id=holder_id)
    if request.method == "GET":
        return render_template("recruitment/admin_token_revoke.html", token=token, name=name, back=back)
    check_csrf()
    run_step(
        principal,
        lambda session: registry.revoke_token(session, principal, token_id),
        lazy_gettext("The API key %(name)s is revoked; it no longer works.", name=token.name),
    )
    return redirect(back, code=303)
