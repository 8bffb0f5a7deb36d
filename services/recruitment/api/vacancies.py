"""API of joint vacancies: search, drafting, co-publishing, moderation, closing."""

from __future__ import annotations

from flask.views import MethodView

from services.recruitment.api.common import PREFIX, SECURED, kit, links, network_reader, unit_of_work
from services.recruitment.api.schemas import (
    CloseSchema,
    InviteSchema,
    RejectSchema,
    SearchArgsSchema,
    SearchResultSchema,
    VacancyInputSchema,
    VacancyPatchSchema,
    VacancySchema,
)
from services.recruitment.usecases import search
from services.recruitment.usecases import vacancies as usecases
from shared.identity import Role
from shared.web.api import Blueprint
from shared.web.auth import current_principal, require_role

vacancies = Blueprint(
    "vacancies",
    __name__,
    url_prefix=f"{PREFIX}/vacancies",
    description="Joint vacancies and the public vacancy bank.",
)
BLUEPRINTS = (vacancies,)
MEMBER = (Role.ORGANISATION, Role.COORDINATOR)


def criteria_from(args: dict) -> search.Criteria:
    return search.Criteria(**{k: v for k, v in args.items() if k != "network"})


@vacancies.route("")
class Vacancies(MethodView):
    @vacancies.arguments(SearchArgsSchema, location="query")
    @vacancies.response(200, SearchResultSchema)
    def get(self, args):
        """Search a network's vacancy bank: Dutch full text, filters, sort, pages. Anyone may call this."""
        criteria = criteria_from(args)
        with network_reader(args["network"]) as session:
            return search.search(session, criteria)

    @require_role(Role.ORGANISATION)
    @vacancies.doc(security=SECURED)
    @vacancies.arguments(VacancyInputSchema)
    @vacancies.response(201, VacancySchema)
    def post(self, data):
        """Draft a vacancy for your own organisation. Organisation tokens only."""
        with unit_of_work() as session:
            return usecases.draft_vacancy(session, current_principal(), data)


@vacancies.route("/mine")
class MyVacancies(MethodView):
    @require_role(Role.ORGANISATION)
    @vacancies.doc(security=SECURED)
    @vacancies.response(200, VacancySchema(many=True))
    def get(self):
        """The member portal: vacancies you drafted or were invited to co-publish."""
        with unit_of_work() as session:
            return usecases.member_vacancies(session, current_principal())


@vacancies.route("/moderation")
class Moderation(MethodView):
    @require_role(Role.COORDINATOR)
    @vacancies.doc(security=SECURED)
    @vacancies.response(200, VacancySchema(many=True))
    def get(self):
        """Vacancies waiting for approval, oldest first. The network's coordinator only."""
        with unit_of_work() as session:
            return usecases.moderation_queue(session)


@vacancies.route("/<id:vacancy_id>")
class VacancyById(MethodView):
    @vacancies.response(200, VacancySchema)
    def get(self, vacancy_id):
        """One vacancy: published ones for anyone, others for their publishers and the coordinator."""
        principal = current_principal()
        with kit().db.reader(network_id=principal.network_id if principal else None) as session:
            return usecases.visible_vacancy(session, principal, vacancy_id)

    @require_role(*MEMBER)
    @vacancies.doc(security=SECURED)
    @vacancies.arguments(VacancyPatchSchema(partial=True))
    @vacancies.response(200, VacancySchema)
    def patch(self, changes, vacancy_id):
        """Change a draft. Its own organisation or the coordinator only."""
        with unit_of_work() as session:
            return usecases.edit_vacancy(session, current_principal(), vacancy_id, changes)


def _step(rule: str, doc: str, roles: tuple, action, schema=None):
    """Register POST <id>/<rule> that runs one workflow step and answers the vacancy."""

    def post(self, *args, vacancy_id):
        with unit_of_work() as session:
            return action(session, current_principal(), vacancy_id, *args)

    post.__doc__ = doc
    view = vacancies.response(200, VacancySchema)(post)
    if schema is not None:
        view = vacancies.arguments(schema)(view)
    view = require_role(*roles)(vacancies.doc(security=SECURED)(view))
    vacancies.route(f"/<id:vacancy_id>/{rule}")(
        type(f"Vacancy_{rule.replace('-', '_')}", (MethodView,), {"post": view})
    )


_step(
    "submit",
    "Submit for publication (moderated networks wait for the coordinator). Own organisation.",
    MEMBER,
    lambda s, p, v: usecases.submit(s, p, v, links()),
)
_step(
    "revise",
    "Change a published vacancy (only the fields sent). In a moderated network a member's change goes "
    "back to the coordinator: status submitted, out of the bank until approved. Elsewhere it shows at "
    "once. Own organisation or the coordinator.",
    MEMBER,
    lambda s, p, v, changes: usecases.revise_published(s, p, v, changes, links()),
    VacancyPatchSchema(partial=True),
)
_step(
    "withdraw",
    "Take a submitted vacancy back to draft (before the coordinator approves it). Own organisation.",
    MEMBER,
    usecases.withdraw,
)
_step(
    "approve",
    "Approve and publish a submitted vacancy. The network's coordinator only.",
    (Role.COORDINATOR,),
    lambda s, p, v: usecases.approve(s, p, v, links()),
)
_step(
    "reject",
    "Send a submitted vacancy back with a reason the member sees. Coordinator only.",
    (Role.COORDINATOR,),
    lambda s, p, v, data: usecases.reject(s, p, v, data["reason"]),
    RejectSchema,
)
_step(
    "close",
    "Take it out of the bank: filled or closed. Own organisation or the coordinator.",
    MEMBER,
    lambda s, p, v, data: usecases.close(s, p, v, data["reason"] == "filled"),
    CloseSchema,
)
_step(
    "duplicate",
    "A new draft with the same content. Own organisation or the coordinator.",
    MEMBER,
    usecases.duplicate,
)
_step(
    "co-publishers",
    "Invite another member to publish jointly. The drafting organisation only.",
    (Role.ORGANISATION,),
    lambda s, p, v, data: usecases.invite_co_publisher(s, p, v, data["organisation_id"], links()).vacancy,
    InviteSchema,
)
_step(
    "accept",
    "Accept an invitation to co-publish. The invited organisation only.",
    (Role.ORGANISATION,),
    lambda s, p, v: usecases.answer_invitation(s, p, v, True),
)
_step(
    "decline",
    "Decline an invitation to co-publish. The invited organisation only.",
    (Role.ORGANISATION,),
    lambda s, p, v: usecases.answer_invitation(s, p, v, False),
)
