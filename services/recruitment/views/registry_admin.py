"""The coordinator's registry back office: the network's settings and logo, and its member
organisations (list, admit, edit, remove); a member's own entry in "wie doet wat" when the network
allows it; the public logo address. Every change goes through the registry's use cases."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy.orm import Session
from wtforms.validators import ValidationError as CsrfInvalid

from services.recruitment.api.schemas import (
    NetworkSettingsSchema,
    OrganisationCreateSchema,
    OrganisationPatchSchema,
    ProfileSchema,
)
from services.recruitment.models import Network
from services.recruitment.usecases import branding, registry
from services.recruitment.usecases.common import NotFound
from services.recruitment.views.common import db, links, member_page, network_session, refusal, run_step
from shared.i18n import lazy_gettext
from shared.identity import Principal, Role
from shared.web.schema_form import SchemaForm

pages = Blueprint("registry_admin", __name__)
COORDINATOR = Role.COORDINATOR
SETTINGS = (
    "name",
    "region",
    "contact_email",
    "moderated",
    "language",
    "brand_colour",
    "members_edit_profile",
)
MEMBER_FIELDS = tuple(OrganisationCreateSchema().fields)


def check_csrf() -> None:
    """A confirmation or upload form without a valid CSRF token is refused (400)."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (CSRFError, CsrfInvalid):
        abort(400)


def _network(session: Session, principal: Principal) -> Network:
    network = session.get(Network, principal.network_id)
    if network is None:
        abort(404)
    return network


def _settings_page(principal: Principal, form: SchemaForm, logo_error: str | None = None, status: int = 200):
    with db().reader(network_id=principal.network_id) as session:
        network = _network(session, principal)
        return render_template(
            "recruitment/admin_network.html",
            network=network,
            form=form,
            logo_error=logo_error,
            logo=_shown_logo(network.logo_url),
        ), status


def _shown_logo(logo_url: str) -> str:
    """Our own logo address as a path on this site (the page may be reached by another host name
    than the one e-mails use); someone else's address as it is."""
    base = links().base_url
    return logo_url[len(base) :] if base and logo_url.startswith(base + "/") else logo_url


@pages.route("/portaal/netwerk", methods=["GET", "POST"])
@member_page(COORDINATOR)
def network_settings(principal: Principal):
    """The network's name, contact, moderation, language, colour and logo. The coordinator."""
    form = _settings_form(principal)
    if form.validate():
        saved = run_step(
            principal,
            lambda session: registry.update_network(session, principal.network_id, form.data),
            lazy_gettext("The network's settings are saved."),
        )
        if saved:
            return redirect(url_for("registry_admin.network_settings"), code=303)
    return _settings_page(principal, form, status=422 if form.errors else 200)


@pages.post("/portaal/netwerk/logo")
@member_page(COORDINATOR)
def network_logo(principal: Principal):
    """Upload the network's logo (PNG or JPEG, at most 512 KB). The coordinator."""
    check_csrf()
    upload = request.files.get("logo")
    data = upload.read() if upload else b""
    if not data:
        return _settings_page(
            principal, _settings_form(principal, False), lazy_gettext("Choose a file."), 422
        )
    try:
        with db().transaction(network_id=principal.network_id) as session:
            slug = _network(session, principal).slug
            address = links().url(url_for("registry_admin.public_logo", slug=slug))
            branding.store_logo(session, principal.network_id, data, address)
    except branding.LogoRefused as exc:  # the file is not what a logo may be: say why at the field
        return _settings_page(principal, _settings_form(principal, False), refusal(exc), 422)
    flash(lazy_gettext("The new logo is saved; the network's e-mails show it from now on."), "ok")
    return redirect(url_for("registry_admin.network_settings"), code=303)


def _settings_form(principal: Principal, submitted: bool | None = None) -> SchemaForm:
    """The settings form, filled with the network's current values (or with what was posted)."""
    with db().reader(network_id=principal.network_id) as session:
        network = _network(session, principal)
        initial = {name: getattr(network, name) for name in SETTINGS}
    return SchemaForm(NetworkSettingsSchema(partial=True, only=SETTINGS), initial, submitted=submitted)


@pages.get("/n/<slug>/logo")
def public_logo(slug: str):
    """The network's uploaded logo, for its e-mails and pages. Anyone."""
    with network_session(slug) as (session, network):
        logo = branding.logo_of(session, network.id)
        if logo is None:
            abort(404)
        response = Response(logo.data, mimetype=logo.content_type)
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- member organisations --------------------------------------------------------------------


def _matches(member, query: str) -> bool:
    """Search by name, activity or neighbourhood, as a coordinator thinks of a member."""
    words = [member.name, member.identity, *member.areas, *(c.name for c in member.activities)]
    return query.lower() in " ".join(words).lower()


@pages.get("/portaal/leden")
@member_page(COORDINATOR)
def members(principal: Principal):
    """The network's members, searchable by name, activity or neighbourhood. The coordinator."""
    query = request.args.get("q", "").strip()
    with db().reader(network_id=principal.network_id) as session:
        found = [m for m in registry.organisations(session) if not query or _matches(m, query)]
        return render_template("recruitment/admin_members.html", members=found, query=query)


def _member_form_page(template: str, form: SchemaForm, principal: Principal, status: int, **extra):
    with db().reader(network_id=principal.network_id) as session:
        categories = [(c.key, c.name) for c in registry.categories(session)]
        return render_template(template, form=form, categories=categories, **extra), status


@pages.route("/portaal/leden/nieuw", methods=["GET", "POST"])
@member_page(COORDINATOR)
def admit(principal: Principal):
    """Admit a member organisation. The coordinator."""
    form = SchemaForm(OrganisationCreateSchema(), {"language": "nl"}, typed_lists=("areas",))
    if form.validate():
        created = {}

        def step(session):
            created["id"] = registry.admit_organisation(session, principal.network_id, form.data).record.id

        if run_step(
            principal,
            step,
            lazy_gettext(
                "%(name)s is admitted as a member. A login link can go to %(email)s.",
                name=form.data["name"],
                email=form.data["contact_email"],
            ),
        ):
            return redirect(url_for("registry_admin.edit_member", organisation_id=created["id"]), code=303)
    return _member_form_page(
        "recruitment/admin_member_form.html", form, principal, 422 if form.errors else 200, member=None
    )


@pages.route("/portaal/leden/<organisation_id>", methods=["GET", "POST"])
@member_page(COORDINATOR)
def edit_member(principal: Principal, organisation_id: str):
    """Edit a member's entry and the address it logs in with. The coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        try:
            member = registry.get_member(session, organisation_id)
        except NotFound:
            abort(404)
        initial = {name: getattr(member, name) for name in MEMBER_FIELDS if name != "activities"}
        initial["activities"] = [c.key for c in member.activities]
    form = SchemaForm(OrganisationPatchSchema(), initial, typed_lists=("areas",))
    if form.validate() and run_step(
        principal,
        lambda session: registry.update_organisation(session, organisation_id, form.data),
        lazy_gettext("The entry of %(name)s is saved.", name=form.data["name"]),
    ):
        return redirect(url_for("registry_admin.edit_member", organisation_id=organisation_id), code=303)
    return _member_form_page(
        "recruitment/admin_member_form.html", form, principal, 422 if form.errors else 200, member=member
    )


@pages.route("/portaal/leden/<organisation_id>/verwijderen", methods=["GET", "POST"])
@member_page(COORDINATOR)
def remove_member(principal: Principal, organisation_id: str):
    """Ask first, saying what follows; then remove the member. The coordinator."""
    with db().reader(network_id=principal.network_id) as session:
        try:
            member = registry.get_member(session, organisation_id)
            outlook = registry.removal_outlook(session, organisation_id)
        except NotFound:
            abort(404)
    if request.method == "POST":
        check_csrf()
        run_step(
            principal,
            lambda session: registry.remove_organisation(session, organisation_id),
            lazy_gettext("%(name)s is no longer a member; its logins and API keys stop.", name=member.name),
        )
        return redirect(url_for("registry_admin.members"), code=303)
    return render_template("recruitment/admin_member_remove.html", member=member, outlook=outlook)


# --- a member's own entry --------------------------------------------------------------------


@pages.route("/portaal/profiel", methods=["GET", "POST"])
@member_page(Role.ORGANISATION)
def own_profile(principal: Principal):
    """Your own entry in "wie doet wat", when the coordinator lets members edit it. Members."""
    with db().reader(network_id=principal.network_id) as session:
        network = _network(session, principal)
        if request.method == "POST" and not network.members_edit_profile:
            abort(403)  # the page says who keeps the entry; only the change is refused
        member = registry.get_member(session, principal.organisation_id)
        initial = {name: getattr(member, name) for name in ProfileSchema().fields if name != "activities"}
        initial["activities"] = [c.key for c in member.activities]
        categories = [(c.key, c.name) for c in registry.categories(session)]
    form = SchemaForm(ProfileSchema(), initial, typed_lists=("areas",))
    if form.validate() and run_step(
        principal,
        lambda session: registry.update_own_profile(session, principal, form.data),
        lazy_gettext("Your entry in 'who does what' is saved."),
    ):
        return redirect(url_for("registry_admin.own_profile"), code=303)
    return render_template(
        "recruitment/admin_profile.html", form=form, member=member, network=network, categories=categories
    ), (422 if form.errors else 200)
