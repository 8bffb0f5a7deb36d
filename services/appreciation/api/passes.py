"""API of the volunteer pass: the network's policy, nominations (one, or a CSV answered at once or
followed as an import job), reissue, revoke."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask.views import MethodView

from services.appreciation.api.common import PREFIX, SECURED, kit, links, reader, unit_of_work
from services.appreciation.api.nomination_schemas import (
    MemberNominationSchema,
    NominationImportArgsSchema,
    NominationImportSchema,
    NominationImportStartedSchema,
)
from services.appreciation.api.schemas import (
    HolderPassSchema,
    NominatedSchema,
    NominationReportSchema,
    PassSchema,
    PolicySchema,
)
from services.appreciation.usecases import imports, nominations
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
        with unit_of_work() as session:
            return usecases.export_passes(session, current_principal())

    @require_role(*MANAGERS)
    @passes.doc(security=SECURED)
    @passes.arguments(MemberNominationSchema)
    @passes.response(201, NominatedSchema)
    @passes.alt_response(200, schema=NominatedSchema, description="The person has an active pass already")
    def post(self, data):
        """Nominate one of your volunteers: they get a pass by e-mail. Nominating the same person
        again returns the pass they have (200). Member organisations; the coordinator for a member
        it names in `organisation_id`."""
        with unit_of_work() as session:
            issued = usecases.nominate(session, current_principal(), data, links())
            return {"created": issued.new, "pass_": issued.pass_}, 201 if issued.new else 200


@passes.route("/passes/import")
class PassImport(MethodView):
    @require_role(*MANAGERS)
    @passes.doc(
        security=SECURED,
        requestBody={"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True},
    )
    @passes.arguments(NominationImportArgsSchema, location="query")
    @passes.response(200, NominationReportSchema)
    @passes.alt_response(
        202,
        schema=NominationImportStartedSchema,
        description="More rows than KNOOP_NOMINATION_INLINE_ROWS: nominated in the background; "
        "follow the job at `url` (also the Location header)",
        headers={"Location": {"description": "The job's progress and report", "schema": {"type": "string"}}},
        success=True,
    )
    def post(self, args):
        """Nominate volunteers from CSV (columns name, email; optional language); every row reported.
        A small file is answered with its report; a larger one becomes an import job (202).
        Member organisations; the coordinator for a member it names in `organisation_id`."""
        try:
            text = request.get_data().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise nominations.BadCsv("save the file as CSV in UTF-8 and try again") from None
        file, limits = nominations.read_rows(text), imports.Limits.of(kit().settings)
        with unit_of_work() as session:
            done = imports.nominate_file(
                session, current_principal(), file, links(), args.get("organisation_id"), limits
            )
        if isinstance(done, nominations.NominationReport):
            return {"summary": done.summary, "rows": done.rows}
        url = url_for("passes.PassImportProgress", import_id=done.id)
        body = {"id": done.id, "status": done.status, "total": done.total, "url": url}
        return jsonify(NominationImportStartedSchema().dump(body)), 202, {"Location": url}


@passes.route("/passes/imports/<import_id>")
class PassImportProgress(MethodView):
    @require_role(*MANAGERS)
    @passes.doc(security=SECURED)
    @passes.response(200, NominationImportSchema)
    def get(self, import_id):
        """How far a nomination file is and, once done, its report. Only the member organisation that
        sent it, or the coordinator for a file it sent on a member's behalf (404 for anyone else)."""
        with reader() as session:
            return imports.progress(session, current_principal(), import_id)


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
