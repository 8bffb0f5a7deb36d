"""API of the volunteer pass: the network's policy, nominations (one or a CSV), reissue, revoke."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from services.appreciation.api.common import PREFIX, SECURED, links, reader, unit_of_work
from services.appreciation.api.schemas import (
    HolderPassSchema,
    NominatedSchema,
    NominationReportSchema,
    NominationSchema,
    PassSchema,
    PolicySchema,
)
from services.appreciation.usecases import nominations
from services.appreciation.usecases import passes as usecases
from shared.identity import Role
from shared.web.api import Blueprint
from shared.web.auth import current_principal, require_role

passes = Blueprint(
    "passes",
    __name__,
    url_prefix=PREFIX,
    description="Volunteer passes: policy, nominations, reissue and revocation.",
)
BLUEPRINTS = (passes,)
MANAGERS = (Role.ORGANISATION, Role.COORDINATOR)


@passes.route("/policy")
class Policy(MethodView):
    @require_role(*MANAGERS)
    @passes.doc(security=SECURED)
    @passes.response(200, PolicySchema)
    def get(self):
        with reader() as session:
            return usecases.policy(session, current_principal().network_id)

    @require_role(Role.COORDINATOR)
    @passes.doc(security=SECURED)
    @passes.arguments(PolicySchema(partial=True))
    @passes.response(200, PolicySchema)
    def patch(self, changes):
        """How long passes are valid; whether a confirmed student gets one. Coordinator only."""
        with unit_of_work() as session:
            return usecases.set_policy(session, current_principal(), changes)


@passes.route("/passes")
class Passes(MethodView):
    @require_role(*MANAGERS)
    @passes.doc(security=SECURED)
    @passes.response(200, HolderPassSchema(many=True))
    def get(self):
        """Passes: an organisation sees its own volunteers', the coordinator every pass."""
        with reader() as session:
            return usecases.passes_of(session, current_principal())

    @require_role(Role.ORGANISATION)
    @passes.doc(security=SECURED)
    @passes.arguments(NominationSchema)
    @passes.response(201, NominatedSchema)
    @passes.alt_response(200, schema=NominatedSchema, description="The person has an active pass already")
    def post(self, data):
        """Nominate one of your volunteers: they get a pass by e-mail. Nominating the same person
        again returns the pass they have (200). Member organisations only."""
        with unit_of_work() as session:
            issued = usecases.nominate(session, current_principal(), data, links())
            return {"created": issued.new, "pass_": issued.pass_}, 201 if issued.new else 200


@passes.route("/passes/import")
class PassImport(MethodView):
    @require_role(Role.ORGANISATION)
    @passes.doc(
        security=SECURED,
        requestBody={"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True},
    )
    @passes.response(200, NominationReportSchema)
    def post(self):
        """Nominate volunteers from CSV (columns name, email; optional language); every row reported."""
        try:
            text = request.get_data().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise nominations.BadCsv("save the file as CSV in UTF-8 and try again") from None
        _, rows = nominations.read_rows(text)
        with unit_of_work() as session:
            report = nominations.nominate_many(session, current_principal(), rows, links())
        return {"summary": report.summary, "rows": report.rows}


@passes.route("/passes/<pass_id>/reissue")
class Reissue(MethodView):
    @require_role(*MANAGERS)
    @passes.doc(security=SECURED)
    @passes.response(201, PassSchema)
    def post(self, pass_id):
        """A lost pass: the old number and QR code stop working at once; the holder gets a new pass."""
        with unit_of_work() as session:
            return usecases.reissue(session, current_principal(), pass_id, links())


@passes.route("/passes/<pass_id>/revoke")
class Revoke(MethodView):
    @require_role(*MANAGERS)
    @passes.doc(security=SECURED)
    @passes.response(200, PassSchema)
    def post(self, pass_id):
        """Revoke a pass (e.g. the volunteer left); it stops working at once."""
        with unit_of_work() as session:
            return usecases.revoke(session, current_principal(), pass_id)
