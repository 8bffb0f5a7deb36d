"""HTTP schemas of the student-placement API (education partners, cohorts, allocation, hours)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from services.recruitment.api.consent_schemas import CONSENT_TEXT, consent_version_field
from services.recruitment.domain import COHORT_KINDS
from services.recruitment.models.placements import StudentStatus
from shared.web.schemas import (
    BaseSchema,
    Number,
    PlausibleDate,
    PlausibleDateTime,
    StrictBoolean,
    WholeNumber,
)

NAME = validate.Length(min=1, max=200)
LANGUAGE = validate.OneOf(["nl", "en"])
HOURS_MAX = 2000  # hours of a placement or required of a cohort: a year's full-time work
SEED_MAX = 2**31 - 1


class PartnerInputSchema(BaseSchema):
    institution = fields.String(required=True, validate=NAME)
    programme = fields.String(required=True, validate=NAME)
    contact_name = fields.String(required=True, validate=NAME)
    contact_email = fields.Email(required=True)
    language = fields.String(load_default="nl", validate=LANGUAGE)
    agreement_starts = PlausibleDate(load_default=None, allow_none=True)
    agreement_ends = PlausibleDate(load_default=None, allow_none=True)

    @validates_schema
    def _period_in_order(self, data, **kwargs):
        starts, ends = data.get("agreement_starts"), data.get("agreement_ends")
        if starts and ends and ends < starts:
            raise ValidationError("The agreement cannot end before it starts.", "agreement_ends")


class PartnerSchema(BaseSchema):
    id = fields.String(dump_only=True)
    institution = fields.String(dump_only=True)
    programme = fields.String(dump_only=True)
    contact_name = fields.String(dump_only=True)
    contact_email = fields.String(dump_only=True)
    agreement_starts = fields.Date(dump_only=True, allow_none=True)
    agreement_ends = fields.Date(dump_only=True, allow_none=True)


class PartnerCreatedSchema(BaseSchema):
    partner = fields.Nested(PartnerSchema, dump_only=True)
    token = fields.String(dump_only=True, metadata={"description": "Shown once; store it safely."})


class CohortInputSchema(BaseSchema):
    partner_id = fields.String(
        load_default=None, metadata={"description": "Coordinators name the partner; partners leave it out."}
    )
    name = fields.String(required=True, validate=NAME)
    kind = fields.String(load_default="introduction", validate=validate.OneOf(COHORT_KINDS))
    required_hours = WholeNumber(1, HOURS_MAX, required=True)
    max_preferences = WholeNumber(1, 10, load_default=3)
    opens_at = PlausibleDateTime(required=True)
    closes_at = PlausibleDateTime(required=True)


class CohortPatchSchema(CohortInputSchema):
    """Use with partial=True: a cohort keeps its partner."""

    class Meta:
        exclude = ("partner_id",)


class CohortSchema(BaseSchema):
    id = fields.String(dump_only=True)
    partner_id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    required_hours = fields.Integer(dump_only=True)
    max_preferences = fields.Integer(dump_only=True)
    opens_at = fields.DateTime(dump_only=True)
    closes_at = fields.DateTime(dump_only=True)
    registration_open = fields.Boolean(dump_only=True)
    registration_url = fields.String(dump_only=True)
    short_code = fields.String(dump_only=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True)


class RegistrationStateSchema(BaseSchema):
    open = StrictBoolean(required=True)


class PlacementInputSchema(BaseSchema):
    organisation_id = fields.String(
        load_default=None, metadata={"description": "Coordinators name the member; members leave it out."}
    )
    title = fields.String(required=True, validate=NAME)
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    area = fields.String(load_default="", validate=validate.Length(max=120))
    capacity = WholeNumber(0, 500, required=True)
    hours = WholeNumber(1, HOURS_MAX, load_default=None, allow_none=True)
    times = fields.String(load_default="", validate=validate.Length(max=300))
    priorities = fields.List(
        fields.String(),
        load_default=list,
        validate=validate.Length(max=500),
        metadata={"description": "Student ids the organisation would rather have, best first."},
    )


class PlacementPatchSchema(PlacementInputSchema):
    """Use with partial=True."""

    class Meta:
        exclude = ("organisation_id",)


class PlacementSchema(BaseSchema):
    id = fields.String(dump_only=True)
    cohort_id = fields.String(dump_only=True)
    organisation_id = fields.String(dump_only=True)
    organisation_name = fields.Function(lambda p: p.organisation.name, dump_only=True)
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    area = fields.String(dump_only=True)
    capacity = fields.Integer(dump_only=True)
    hours = fields.Integer(dump_only=True, allow_none=True)
    times = fields.String(dump_only=True)


class RegistrationInputSchema(BaseSchema):
    name = fields.String(required=True, validate=NAME)
    email = fields.Email(required=True)
    student_number = fields.String(required=True, validate=validate.Length(min=1, max=40))
    phone = fields.String(load_default="", validate=validate.Length(max=40))
    availability = fields.String(load_default="", validate=validate.Length(max=500))
    languages = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list)
    language = fields.String(load_default="nl", validate=LANGUAGE)
    preferences = fields.List(
        fields.String(), required=True, metadata={"description": "Placement ids, favourite first."}
    )
    consent = StrictBoolean(
        required=True,
        validate=validate.Equal(True, error="Registration needs your consent to share these details."),
        metadata={"description": CONSENT_TEXT},
    )
    consent_version = consent_version_field()


class RegistrationReceiptSchema(BaseSchema):
    message = fields.String(dump_only=True)


class StudentFilterSchema(BaseSchema):
    cohort = fields.String(load_default=None, metadata={"description": "Only this cohort's students"})


class StudentSchema(BaseSchema):
    id = fields.String(dump_only=True)
    cohort_id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    email = fields.String(dump_only=True)
    student_number = fields.String(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": list(StudentStatus.ALL)})
    placement_id = fields.String(dump_only=True, allow_none=True)
    proposed_placement_id = fields.String(dump_only=True, allow_none=True)
    choice = fields.Integer(dump_only=True, allow_none=True)
    unplaced_reason = fields.String(dump_only=True)


# The columns of the export for study credits, in this order.
STUDENT_COLUMNS = (
    "student_number",
    "name",
    "email",
    "cohort",
    "status",
    "organisation",
    "placement",
    "logged_hours",
    "approved_hours",
    "signed_off_at",
)


class StudentProgressSchema(BaseSchema):
    """A student as the education partner follows them."""

    id = fields.Function(lambda row: row["student"].id, dump_only=True)
    name = fields.Function(lambda row: row["student"].name, dump_only=True)
    email = fields.Function(lambda row: row["student"].email, dump_only=True)
    student_number = fields.Function(lambda row: row["student"].student_number, dump_only=True)
    cohort = fields.Function(lambda row: row["student"].cohort.name, dump_only=True)
    status = fields.Function(lambda row: row["student"].status, dump_only=True)
    organisation = fields.Function(
        lambda row: row["student"].placement.organisation.name if row["student"].placement else None,
        dump_only=True,
        allow_none=True,
    )
    placement = fields.Function(
        lambda row: row["student"].placement.title if row["student"].placement else None,
        dump_only=True,
        allow_none=True,
    )
    logged_hours = fields.Float(dump_only=True)
    approved_hours = fields.Float(dump_only=True)
    signed_off_at = fields.Function(
        lambda row: row["student"].signed_off_at.isoformat() if row["student"].signed_off_at else None,
        dump_only=True,
        allow_none=True,
    )


class AllocateInputSchema(BaseSchema):
    # Strict: a non-strict Integer truncates, so a seed of -1.8e-94 would run as seed 0.
    seed = WholeNumber(
        0,
        SEED_MAX,
        load_default=None,
        metadata={"description": "Repeat an earlier run by giving its seed; left out, a new one is drawn."},
    )


class UnplacedSchema(BaseSchema):
    student_id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    reason = fields.String(dump_only=True)
    explanation = fields.String(dump_only=True)


class AllocationReportSchema(BaseSchema):
    seed = fields.Integer(dump_only=True)
    placed = fields.Integer(dump_only=True)
    choices = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        dump_only=True,
        metadata={"description": "How many students got their 1st, 2nd, … choice."},
    )
    unplaced = fields.List(fields.Nested(UnplacedSchema), dump_only=True)


class AdjustInputSchema(BaseSchema):
    student_id = fields.String(required=True)
    placement_id = fields.String(required=True, allow_none=True)


class PublishedSchema(BaseSchema):
    assigned = fields.Integer(dump_only=True)


class HoursInputSchema(BaseSchema):
    day = PlausibleDate(required=True, metadata={"description": "Not in the future"})
    hours = Number(0.25, 24, required=True)
    activity = fields.String(required=True, validate=validate.Length(min=1, max=500))


class HoursSchema(BaseSchema):
    id = fields.String(dump_only=True)
    student_id = fields.String(dump_only=True)
    day = fields.Date(dump_only=True)
    hours = fields.Float(dump_only=True)
    activity = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    approved_hours = fields.Float(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True)


class ReviewInputSchema(BaseSchema):
    hours = Number(
        0,
        24,
        load_default=None,
        metadata={"description": "Leave out to approve as logged; give a number to correct it."},
    )
    note = fields.String(load_default="", validate=validate.Length(max=500))


class MeetSessionInputSchema(BaseSchema):
    starts_at = PlausibleDateTime(required=True)
    ends_at = PlausibleDateTime(required=True)
    place = fields.String(required=True, validate=NAME)
    capacity = WholeNumber(1, 1000, required=True)


class InviteInputSchema(BaseSchema):
    student_id = fields.String(
        load_default=None,
        metadata={"description": "One unconfirmed student; left out, every unconfirmed student."},
    )


class InvitedSchema(BaseSchema):
    sent = fields.Integer(dump_only=True, metadata={"description": "How many invitations went out."})


class InvitationAnswerSchema(BaseSchema):
    """What an imported student answers through their personal link."""

    preferences = fields.List(
        fields.String(), load_default=list, metadata={"description": "Placement ids, favourite first."}
    )
    consent = StrictBoolean(
        required=True,
        validate=validate.Equal(True, error="Registration needs your consent to share these details."),
        metadata={"description": CONSENT_TEXT},
    )
    consent_version = consent_version_field()


class MeetSessionSchema(BaseSchema):
    id = fields.String(dump_only=True)
    cohort_id = fields.String(dump_only=True)
    starts_at = fields.DateTime(dump_only=True)
    ends_at = fields.DateTime(dump_only=True)
    place = fields.String(dump_only=True)
    capacity = fields.Integer(dump_only=True)
    taken = fields.Integer(dump_only=True)


class ImportRowSchema(BaseSchema):
    line = fields.Integer(dump_only=True)
    outcome = fields.String(dump_only=True)
    reason = fields.String(dump_only=True)
    email = fields.String(dump_only=True)


class ImportReportSchema(BaseSchema):
    summary = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    rows = fields.List(fields.Nested(ImportRowSchema), dump_only=True)
