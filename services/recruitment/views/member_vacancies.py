"""A member organisation's vacancies in pages: the list by status, the editor (every field the API
takes, read with the API's own schema), the vacancy's own page (preview as the public sees it, the
workflow steps, co-publishers, responses) and closing with a confirmation step. Same use cases as
the API, so the same rules and events."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from services.recruitment import domain
from services.recruitment.api.schemas import CloseSchema, InviteSchema, VacancyInputSchema
from services.recruitment.domain import DomainError
from services.recruitment.usecases import registry, responses, vacancies
from services.recruitment.usecases.common import NotFound, UnknownReference, network_of
from services.recruitment.views.common import db, links, member_page, run_step
from services.recruitment.views.labels import FREQUENCY_NAMES, STATUS_ORDER, csrf_ok
from shared.i18n import LazyText
from shared.i18n import lazy_gettext as _l
from shared.identity import Principal, Role
from shared.web.schema_form import SchemaForm

pages = Blueprint("member_vacancies", __name__)
TYPED_LISTS = ("areas", "languages")
FIELDS = tuple(VacancyInputSchema().fields)


@pages.get("/portaal/vacatures")
@member_page(Role.ORGANISATION)
def vacancy_list(principal: Principal):
    """The member's own and co-published vacancies, grouped by status. Member organisations."""
    with db().reader(network_id=principal.network_id) as session:
        found = vacancies.member_vacancies(session, principal)
        groups = [(s, [v for v in found if v.status == s]) for s in STATUS_ORDER]
        return render_template("recruitment/member_vacancies.html", groups=groups)


@pages.route("/portaal/vacatures/nieuw", methods=["GET", "POST"])
@member_page(Role.ORGANISATION)
def new_vacancy(principal: Principal):
    """Draft a new vacancy. Member organisations."""
    with db().reader(network_id=principal.network_id) as session:
        member = registry.get_member(session, principal.organisation_id)
        initial = {
            "frequency": "weekly",
            "contact_name": member.contact_name,
            "contact_email": member.contact_email,
        }
    form = _form(initial)
    if form.validate():
        saved = _save(form, principal, lambda s: vacancies.draft_vacancy(s, principal, form.data))
        if saved:
            flash(_l("Draft saved. Check the preview, then submit it."), "ok")
            return redirect(url_for("member_vacancies.vacancy_page", vacancy_id=saved), code=303)
    return _editor(principal, form, None)


@pages.route("/portaal/vacatures/<vacancy_id>/bewerken", methods=["GET", "POST"])
@member_page(Role.ORGANISATION)
def edit_vacancy(principal: Principal, vacancy_id: str):
    """Edit a draft or a published vacancy (the page says first what saving does). Its own member."""
    with db().reader(network_id=principal.network_id) as session:
        vacancy = _own(session, principal, vacancy_id)
        if vacancy.status not in domain.EDITABLE:
            abort(404)
        initial = _initial(vacancy)
        to_moderation = vacancies.edit_goes_to_moderation(session, principal, vacancy)
    form = _form(initial)
    if form.validate():
        step = lambda s: vacancies.save_changes(s, principal, vacancy_id, form.data, links())  # noqa: E731
        if _save(form, principal, step):
            flash(
                _l("Changes sent to the coordinator for approval") if to_moderation else _l("Changes saved"),
                "ok",
            )
            return redirect(url_for("member_vacancies.vacancy_page", vacancy_id=vacancy_id), code=303)
    return _editor(principal, form, vacancy_id)


def _form(initial: dict) -> SchemaForm:
    form = SchemaForm(VacancyInputSchema(), initial=initial, typed_lists=TYPED_LISTS)
    if form.submitted and not str(form.raw.get("contact_email") or "").strip():
        form.raw.pop("contact_email", None)  # left empty: the organisation's own address stays
    return form


def _initial(vacancy) -> dict:
    values = {name: getattr(vacancy, name) for name in FIELDS if name != "category"}
    return {**values, "category": vacancy.category.key if vacancy.category else ""}


def _save(form: SchemaForm, principal: Principal, step: Callable) -> str | None:
    """Run the editor's use case: the saved vacancy's id, or None with the reason on the form."""
    try:
        with db().transaction(network_id=principal.network_id) as session:
            return step(session).id
    except UnknownReference as exc:
        form.add_error(exc.field, _l("Choose one of the options."))
    except NotFound:
        abort(404)
    except DomainError as exc:
        form.add_error("_form", _l(str(exc)))
    return None


def _editor(principal: Principal, form: SchemaForm, vacancy_id: str | None):
    with db().reader(network_id=principal.network_id) as session:
        vacancy = _own(session, principal, vacancy_id) if vacancy_id else None
        return render_template(
            "recruitment/member_editor.html",
            form=form,
            vacancy=vacancy,
            categories=[(c.key, c.name) for c in registry.categories(session)],
            frequencies=[(f, FREQUENCY_NAMES[f]) for f in domain.FREQUENCIES],
            to_moderation=bool(vacancy) and vacancies.edit_goes_to_moderation(session, principal, vacancy),
            action=request.path,
        ), (422 if form.submitted else 200)


def _own(session, principal: Principal, vacancy_id: str):
    """A vacancy this member drafted; for anyone else it is not there (404)."""
    try:
        vacancy = vacancies.get_vacancy(session, vacancy_id)
    except NotFound:
        abort(404)
    if not domain.is_drafter(principal, vacancy):
        abort(404)
    return vacancy


@pages.get("/portaal/vacatures/<vacancy_id>")
@member_page(Role.ORGANISATION)
def vacancy_page(principal: Principal, vacancy_id: str):
    """One vacancy for its member: the preview as the public sees it, its steps, co-publishers and
    responses; for an invited member, the invitation to accept or decline. Publishers, invitees."""
    with db().reader(network_id=principal.network_id) as session:
        try:
            vacancy = vacancies.visible_vacancy(session, principal, vacancy_id)
        except NotFound:
            abort(404)
        mine = domain.is_drafter(principal, vacancy)
        invitation = next(
            (c for c in vacancy.co_publishers if c.organisation_id == principal.organisation_id), None
        )
        if not (mine or invitation):
            abort(404)
        taken = {vacancy.organisation_id, *(c.organisation_id for c in vacancy.co_publishers)}
        return render_template(
            "recruitment/member_vacancy.html",
            vacancy=vacancy,
            mine=mine,
            invitation=invitation,
            publishers=domain.publishers(vacancy),
            others=[(m.id, m.name) for m in registry.organisations(session) if m.id not in taken],
            responses=responses.member_responses(session, principal, vacancy_id=vacancy.id),
            moderated=network_of(session, vacancy.network_id).moderated,
            to_moderation=mine and vacancies.edit_goes_to_moderation(session, principal, vacancy),
            invite_form=SchemaForm(InviteSchema(), submitted=False),
        )


STEPS: dict[str, tuple[Callable, LazyText | None]] = {
    "indienen": (lambda s, p, v: vacancies.submit(s, p, v, links()), None),
    "terugtrekken": (vacancies.withdraw, _l("Vacancy withdrawn: it is a draft again")),
    "kopieren": (vacancies.duplicate, _l("Vacancy copied: the copy is a new draft")),
    "accepteren": (
        lambda s, p, v: vacancies.answer_invitation(s, p, v, True),
        _l("Invitation accepted: you publish this vacancy together"),
    ),
    "afslaan": (lambda s, p, v: vacancies.answer_invitation(s, p, v, False), _l("Invitation declined")),
}


@pages.post("/portaal/vacatures/<vacancy_id>/stap/<step>")
@member_page(Role.ORGANISATION)
def vacancy_step(principal: Principal, vacancy_id: str, step: str):
    """One workflow step from a button: submit, withdraw, copy, accept or decline an invitation.
    The use case decides who may take it."""
    if step not in STEPS:
        abort(404)
    if not csrf_ok():
        flash(_l("The form had expired. Please send it again."), "error")
        return redirect(url_for("member_vacancies.vacancy_page", vacancy_id=vacancy_id), code=303)
    action, done = STEPS[step]
    result = []
    run_step(
        principal, lambda s: result.append(action(s, principal, vacancy_id)), done or _submitted(principal)
    )
    target = result[0].id if result and step == "kopieren" else vacancy_id
    if step == "afslaan" and result:
        return redirect(url_for("portal.portal"), code=303)
    return redirect(url_for("member_vacancies.vacancy_page", vacancy_id=target), code=303)


def _submitted(principal: Principal) -> LazyText:
    with db().reader(network_id=principal.network_id) as session:
        moderated = network_of(session, principal.network_id).moderated
    return _l("Vacancy submitted for approval") if moderated else _l("Vacancy published")


@pages.post("/portaal/vacatures/<vacancy_id>/uitnodigen")
@member_page(Role.ORGANISATION)
def invite(principal: Principal, vacancy_id: str):
    """Invite another member to publish this vacancy together. The drafting member."""
    form = SchemaForm(InviteSchema())
    if form.validate():
        run_step(
            principal,
            lambda s: vacancies.invite_co_publisher(
                s, principal, vacancy_id, form.data["organisation_id"], links()
            ),
            _l("Invitation sent"),
        )
    else:
        flash(_l("Choose the organisation to invite."), "error")
    return redirect(url_for("member_vacancies.vacancy_page", vacancy_id=vacancy_id) + "#samen", code=303)


@pages.route("/portaal/vacatures/<vacancy_id>/afsluiten/<reason>", methods=["GET", "POST"])
@member_page(Role.ORGANISATION)
def close(principal: Principal, vacancy_id: str, reason: str):
    """Close as filled or closed: GET asks "are you sure" and says what follows, POST does it.
    The drafting member."""
    if reason not in CloseSchema().fields["reason"].validate.choices:
        abort(404)
    with db().reader(network_id=principal.network_id) as session:
        vacancy = _own(session, principal, vacancy_id)
        title, status = vacancy.title, vacancy.status
    if request.method == "POST" and csrf_ok():
        run_step(
            principal,
            lambda s: vacancies.close(s, principal, vacancy_id, filled=reason == "filled"),
            _l("Vacancy closed as filled") if reason == "filled" else _l("Vacancy closed"),
        )
        return redirect(url_for("member_vacancies.vacancy_page", vacancy_id=vacancy_id), code=303)
    return render_template(
        "recruitment/member_close.html", vacancy_id=vacancy_id, title=title, status=status, reason=reason
    )
