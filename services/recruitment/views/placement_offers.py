"""A member organisation offers placements to a cohort's students (/portaal/stageplekken) and
changes them until the allocation is published. Forms read with the API's placement schemas."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from services.recruitment import domain
from services.recruitment.api.education_schemas import PlacementInputSchema, PlacementPatchSchema
from services.recruitment.models import Placement
from services.recruitment.usecases import education
from services.recruitment.usecases.common import NotFound, UnknownReference
from services.recruitment.views.common import db, member_page, refusal
from shared.db import utcnow
from shared.i18n import lazy_gettext
from shared.identity import Principal, Role
from shared.web.schema_form import SchemaForm

pages = Blueprint("placement_offers", __name__)
MEMBER = Role.ORGANISATION
# Members do not see a cohort's students before the allocation, so the page leaves out the
# priority list (student ids) the API takes from systems; a member never names another member.
LEFT_OUT = ("organisation_id", "priorities")


def _to_list():
    return redirect(url_for("placement_offers.offers"), code=303)


@pages.get("/portaal/stageplekken")
@member_page(MEMBER)
def offers(principal):
    """Groups that take placements now, and the placements you offer. Member organisations."""
    with db().reader(network_id=principal.network_id) as session:
        groups = [c for c in education.cohorts(session, principal) if c.published_at is None]
        return render_template(
            "recruitment/edu_offers.html",
            groups=groups,
            closed={c.id: domain.registration_closed_reason(c, utcnow()) for c in groups},
            placements=education.placements_of_member(session, principal),
        )


def _open_group(principal: Principal, cohort_id: str):
    with db().reader(network_id=principal.network_id) as session:
        try:
            group = education.cohort_for(session, principal, cohort_id)
        except NotFound:
            abort(404)
        session.expunge(group)
    return group


@pages.route("/portaal/stageplekken/groep/<cohort_id>/nieuw", methods=["GET", "POST"])
@member_page(MEMBER)
def new_offer(principal, cohort_id: str):
    """Offer a placement to a group's students: title, description, area, places, hours, times."""
    group = _open_group(principal, cohort_id)
    form = SchemaForm(PlacementInputSchema())
    if form.validate():
        fields = {k: v for k, v in form.data.items() if k not in LEFT_OUT}
        if _saved(principal, form, lambda s: education.offer_placement(s, principal, cohort_id, fields)):
            flash(lazy_gettext("Placement offered to %(group)s.", group=group.name), "ok")
            return _to_list()
    page = render_template("recruitment/edu_offer_form.html", form=form, group=group, placement=None)
    return page, 422 if form.errors else 200


@pages.route("/portaal/stageplekken/<placement_id>/bewerken", methods=["GET", "POST"])
@member_page(MEMBER)
def edit_offer(principal, placement_id: str):
    """Change your placement until the group's allocation is published. Its organisation."""
    with db().reader(network_id=principal.network_id) as session:
        placement = session.get(Placement, placement_id)
        if placement is None or placement.organisation_id != principal.organisation_id:
            abort(404)
        session.expunge_all()
    schema = PlacementPatchSchema()
    initial = {name: getattr(placement, name) for name in schema.fields if name not in LEFT_OUT}
    form = SchemaForm(schema, initial=initial)
    if form.validate():
        changes = {k: v for k, v in form.data.items() if k not in LEFT_OUT}
        if _saved(principal, form, lambda s: education.update_placement(s, principal, placement_id, changes)):
            flash(lazy_gettext("Placement changed."), "ok")
            return _to_list()
    page = render_template(
        "recruitment/edu_offer_form.html", form=form, group=placement.cohort, placement=placement
    )
    return page, 422 if form.errors else 200


def _saved(principal: Principal, form: SchemaForm, step) -> bool:
    """Run the use case; a refusal is shown on the form (at its field, or above it)."""
    try:
        with db().transaction(network_id=principal.network_id) as session:
            step(session)
    except NotFound:
        abort(404)
    except UnknownReference as exc:
        form.add_error(exc.field, refusal(exc))
        return False
    except domain.DomainError as exc:
        form.add_error("_form", refusal(exc))
        return False
    return True
