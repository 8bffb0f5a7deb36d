"""HTTP schemas of nominating through the API: one person (the coordinator for a chosen member) and
a CSV file, answered at once or, when large, as an import job followed by its progress."""

from marshmallow import fields, validate

from services.appreciation.api.schemas import NominationReportSchema, NominationSchema
from services.appreciation.domain.imports import STATUSES
from shared.web.schemas import BaseSchema

MEMBER = (
    "The member organisation the person volunteers for: required for the coordinator, one of the "
    "network's members (422 otherwise); a member organisation leaves it out or names itself"
)


class MemberNominationSchema(NominationSchema):
    organisation_id = fields.String(validate=validate.Length(min=1, max=36), metadata={"description": MEMBER})


class NominationImportArgsSchema(BaseSchema):
    organisation_id = fields.String(validate=validate.Length(min=1, max=36), metadata={"description": MEMBER})


class NominationImportStartedSchema(BaseSchema):
    id = fields.String(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": list(STATUSES)})
    total = fields.Integer(dump_only=True, metadata={"description": "Rows in the file"})
    url = fields.String(dump_only=True, metadata={"description": "Where its progress and report are"})


class NominationImportSchema(BaseSchema):
    id = fields.String(dump_only=True, attribute="job.id")
    organisation_id = fields.String(
        dump_only=True, attribute="job.organisation_id", metadata={"description": "Whose volunteers"}
    )
    status = fields.String(dump_only=True, attribute="job.status", metadata={"enum": list(STATUSES)})
    total = fields.Integer(
        dump_only=True, attribute="job.total", metadata={"description": "Rows in the file"}
    )
    done = fields.Integer(dump_only=True, attribute="job.done", metadata={"description": "Rows processed"})
    issued = fields.Integer(dump_only=True, attribute="job.issued", metadata={"description": "Passes sent"})
    existing = fields.Integer(
        dump_only=True, attribute="job.existing", metadata={"description": "People who had a pass already"}
    )
    refused = fields.Integer(
        dump_only=True, attribute="job.refused", metadata={"description": "Rows refused"}
    )
    created_at = fields.DateTime(dump_only=True, attribute="job.created_at")
    started_at = fields.DateTime(dump_only=True, attribute="job.started_at", allow_none=True)
    finished_at = fields.DateTime(dump_only=True, attribute="job.finished_at", allow_none=True)
    report = fields.Nested(
        NominationReportSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "Every row's outcome, once the status is done (null before)"},
    )
