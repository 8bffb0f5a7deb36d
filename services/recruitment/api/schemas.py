"""HTTP schemas of recruitment's API: separate shapes for input, output and query arguments."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from services.recruitment.api.consent_schemas import CONSENT_TEXT, consent_version_field
from services.recruitment.domain import (
    ALERT_FREQUENCIES,
    FREQUENCIES,
    RESPONSE_STATUSES,
    SLUG_PATTERN,
    VacancyStatus,
)
from services.recruitment.usecases.search import SORTS
from shared.web.schemas import BaseSchema, PlausibleDate, StrictBoolean, WebAddress, WholeNumber

NAME = validate.Length(min=1, max=200)
SLUG = [validate.Length(min=2, max=60), validate.Regexp(SLUG_PATTERN)]
LANGUAGE = validate.OneOf(["nl", "en"])
HOURS_PER_WEEK_MAX = 40


class NetworkCreateSchema(BaseSchema):
    name = fields.String(required=True, validate=NAME)
    slug = fields.String(required=True, validate=SLUG)
    region = fields.String(load_default="", validate=validate.Length(max=200))
    contact_email = fields.Email(load_default="", metadata={"description": "Where moderation requests go"})
    moderated = StrictBoolean(
        load_default=True, metadata={"description": "Vacancies wait for the coordinator's approval"}
    )


class NetworkSettingsSchema(BaseSchema):
    """Use with partial=True: absent fields stay as they are."""

    name = fields.String(validate=NAME)
    region = fields.String(validate=validate.Length(max=200))
    contact_email = fields.Email()
    moderated = StrictBoolean()
    logo_url = WebAddress(metadata={"description": "Logo shown in the network's e-mails; empty for none"})
    brand_colour = fields.String(validate=validate.Regexp(r"^#[0-9a-fA-F]{6}$", error="Use #rrggbb."))
    language = fields.String(
        validate=LANGUAGE, metadata={"description": "Language of pages and printouts unless one asks another"}
    )
    members_edit_profile = StrictBoolean(
        metadata={"description": "Members may edit their own entry in 'who offers what'"}
    )


class NetworkSchema(BaseSchema):
    id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    slug = fields.String(dump_only=True)
    region = fields.String(dump_only=True)
    moderated = fields.Boolean(dump_only=True)
    logo_url = fields.String(dump_only=True)
    brand_colour = fields.String(dump_only=True)
    language = fields.String(dump_only=True)
    members_edit_profile = fields.Boolean(dump_only=True)


class NetworkCreatedSchema(BaseSchema):
    network = fields.Nested(NetworkSchema, dump_only=True)
    coordinator_token = fields.String(
        dump_only=True, metadata={"description": "Shown once; store it safely."}
    )


class CategorySchema(BaseSchema):
    key = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))


class CategoryNameSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))


class OrganisationCreateSchema(BaseSchema):
    name = fields.String(required=True, validate=NAME)
    identity = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "Background the member keeps, e.g. humanist"},
    )
    contact_name = fields.String(required=True, validate=NAME)
    contact_email = fields.Email(required=True)
    phone = fields.String(load_default="", validate=validate.Length(max=40))
    language = fields.String(load_default="nl", validate=LANGUAGE)
    website = WebAddress(load_default="")
    areas = fields.List(fields.String(validate=validate.Length(min=1, max=120)), load_default=list)
    activities = fields.List(
        fields.String(),
        load_default=list,
        metadata={"description": "Keys of the network's activity categories"},
    )


class OrganisationPatchSchema(OrganisationCreateSchema):
    """Use with partial=True: absent fields stay as they are."""


class ProfileSchema(OrganisationCreateSchema):
    """What a member may change of its own entry in "who offers what" (when the network allows):
    not its name, nor the address it logs in with; those stay with the coordinator."""

    class Meta:
        exclude = ("name", "contact_name", "contact_email", "language")


class OrganisationSchema(BaseSchema):
    id = fields.String(dump_only=True)
    network_id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    identity = fields.String(dump_only=True)
    website = fields.String(dump_only=True)
    areas = fields.List(fields.String(), dump_only=True)
    activities = fields.List(fields.Nested(CategorySchema), dump_only=True)


class OrganisationCreatedSchema(BaseSchema):
    organisation = fields.Nested(OrganisationSchema, dump_only=True)
    token = fields.String(dump_only=True, metadata={"description": "Shown once; store it safely."})


class TokenSchema(BaseSchema):
    """An API token as the coordinator sees it: never the secret (only its hash is stored)."""

    id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    organisation_id = fields.String(dump_only=True, allow_none=True)
    partner_id = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class TokenHolderSchema(BaseSchema):
    """Whose tokens: one member organisation or one education partner of the network."""

    organisation_id = fields.String(load_default=None)
    partner_id = fields.String(load_default=None)

    @validates_schema
    def _one_holder(self, data, **kwargs):
        if bool(data.get("organisation_id")) == bool(data.get("partner_id")):
            raise ValidationError("Give organisation_id or partner_id, not both.", "_schema")


class TokenIssueSchema(TokenHolderSchema):
    name = fields.String(required=True, validate=NAME, metadata={"description": "What system uses it"})


class TokenIssuedSchema(BaseSchema):
    token = fields.Nested(TokenSchema, dump_only=True)
    secret = fields.String(dump_only=True, metadata={"description": "Shown once; store it safely."})


class VacancyInputSchema(BaseSchema):
    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    description = fields.String(
        load_default="",
        validate=validate.Length(max=10_000),
        metadata={"description": "Simple HTML (p, ul, li, strong, em, a); the rest is removed"},
    )
    category = fields.String(load_default=None, allow_none=True, metadata={"description": "Category key"})
    areas = fields.List(fields.String(validate=validate.Length(min=1, max=120)), load_default=list)
    place = fields.String(load_default="", validate=validate.Length(max=200))
    hours_per_week = WholeNumber(1, HOURS_PER_WEEK_MAX, load_default=None, allow_none=True)
    period = fields.String(load_default="", validate=validate.Length(max=120))
    frequency = fields.String(load_default="weekly", validate=validate.OneOf(FREQUENCIES))
    long_term = StrictBoolean(
        load_default=False, metadata={"description": "A lasting commitment to one person"}
    )
    start_date = PlausibleDate(load_default=None, allow_none=True)
    end_date = PlausibleDate(
        load_default=None, allow_none=True, metadata={"description": "The vacancy expires after this day"}
    )
    vog_required = StrictBoolean(load_default=False)
    minimum_age = WholeNumber(12, 99, load_default=None, allow_none=True)
    languages = fields.List(fields.String(validate=validate.Length(min=2, max=40)), load_default=list)
    suitable_for_students = StrictBoolean(load_default=False)
    contact_name = fields.String(validate=validate.Length(max=200))
    contact_email = fields.Email()
    contact_phone = fields.String(validate=validate.Length(max=40))

    @validates_schema
    def _period_is_ordered(self, data, **_):
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            raise ValidationError("The end date lies before the start date.", field_name="end_date")


class VacancyPatchSchema(VacancyInputSchema):
    """The same fields as a draft; use with partial=True so absent fields stay as they are."""


class CoPublisherSchema(BaseSchema):
    organisation = fields.Nested(OrganisationSchema(only=("id", "name", "identity")), dump_only=True)
    status = fields.String(dump_only=True)


class VacancySchema(BaseSchema):
    id = fields.String(dump_only=True)
    network_id = fields.String(dump_only=True)
    organisation = fields.Nested(
        OrganisationSchema(only=("id", "name", "identity", "website")), dump_only=True
    )
    co_publishers = fields.List(fields.Nested(CoPublisherSchema), dump_only=True)
    publishers = fields.Method(
        "_publishers",
        dump_only=True,
        metadata={"description": "Names of every organisation that publishes it"},
    )
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    category = fields.Nested(CategorySchema, dump_only=True, allow_none=True)
    areas = fields.List(fields.String(), dump_only=True)
    place = fields.String(dump_only=True)
    hours_per_week = fields.Integer(dump_only=True, allow_none=True)
    period = fields.String(dump_only=True)
    frequency = fields.String(dump_only=True)
    long_term = fields.Boolean(dump_only=True)
    start_date = fields.Date(dump_only=True, allow_none=True)
    end_date = fields.Date(dump_only=True, allow_none=True)
    vog_required = fields.Boolean(dump_only=True)
    minimum_age = fields.Integer(dump_only=True, allow_none=True)
    languages = fields.List(fields.String(), dump_only=True)
    suitable_for_students = fields.Boolean(dump_only=True)
    contact_name = fields.String(dump_only=True)
    contact_email = fields.String(dump_only=True)
    contact_phone = fields.String(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": list(VacancyStatus.ALL)})
    rejection_reason = fields.String(dump_only=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True)

    def _publishers(self, vacancy) -> list[str]:
        from services.recruitment.domain import publishers

        return [o.name for o in publishers(vacancy)]


class SearchArgsSchema(BaseSchema):
    network = fields.String(required=True, metadata={"description": "The network's slug"})
    q = fields.String(load_default="", validate=validate.Length(max=200))
    category = fields.String(load_default="")
    area = fields.String(load_default="")
    organisation = fields.String(load_default="")
    students = fields.Boolean(load_default=False)
    no_vog = fields.Boolean(load_default=False, metadata={"description": "Only vacancies without VOG"})
    long_term = fields.Boolean(load_default=None, allow_none=True)
    max_hours = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=HOURS_PER_WEEK_MAX)
    )
    sort = fields.String(load_default="newest", validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class VacancySummarySchema(VacancySchema):
    """A search result (a search.Listing): what a list shows; the vacancy itself has the rest."""

    publishers = fields.List(fields.String(), attribute="publisher_names", dump_only=True)

    class Meta:
        fields = (
            "id",
            "title",
            "publishers",
            "category",
            "areas",
            "place",
            "hours_per_week",
            "long_term",
            "suitable_for_students",
            "vog_required",
            "start_date",
            "published_at",
        )


class SearchResultSchema(BaseSchema):
    items = fields.List(fields.Nested(VacancySummarySchema), dump_only=True)
    page = fields.Integer(dump_only=True)
    per_page = fields.Integer(dump_only=True)
    has_more = fields.Boolean(dump_only=True, metadata={"description": "Another page follows"})
    total = fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "All matches, when this is the last page; otherwise null (see has_more)"},
    )


class NetworkArgsSchema(BaseSchema):
    network = fields.String(required=True, metadata={"description": "The network's slug"})


class RejectSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class CloseSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.OneOf(["filled", "closed"]))


class InviteSchema(BaseSchema):
    organisation_id = fields.String(required=True)


class ResponseInputSchema(BaseSchema):
    name = fields.String(required=True, validate=NAME)
    email = fields.Email(required=True)
    phone = fields.String(load_default="", validate=validate.Length(max=40))
    motivation = fields.String(load_default="", validate=validate.Length(max=5000))
    availability = fields.String(load_default="", validate=validate.Length(max=500))
    language = fields.String(load_default="nl", validate=LANGUAGE)
    consent = StrictBoolean(
        required=True,
        validate=validate.Equal(
            True, error="Consent is needed to share your details with the organisations."
        ),
        metadata={"description": CONSENT_TEXT},
    )
    consent_version = consent_version_field()


class ResponseSchema(BaseSchema):
    id = fields.String(dump_only=True)
    vacancy_id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    email = fields.String(dump_only=True)
    phone = fields.String(dump_only=True)
    motivation = fields.String(dump_only=True)
    availability = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    note = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class ResponseReceiptSchema(BaseSchema):
    id = fields.String(dump_only=True)
    status = fields.String(dump_only=True)


class ResponseStatusSchema(BaseSchema):
    status = fields.String(required=True, validate=validate.OneOf(RESPONSE_STATUSES[1:]))
    note = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "What was agreed, or why not; replaces the previous note"},
    )


class ResponseTimesSchema(BaseSchema):
    organisation_id = fields.String(dump_only=True)
    organisation = fields.String(dump_only=True)
    responses = fields.Integer(dump_only=True)
    acted_on = fields.Integer(dump_only=True)
    median_hours_to_act = fields.Float(dump_only=True, allow_none=True)
    matches = fields.Integer(dump_only=True)


class AlertInputSchema(BaseSchema):
    network = fields.String(required=True)
    email = fields.Email(required=True)
    language = fields.String(load_default="nl", validate=LANGUAGE)
    frequency = fields.String(load_default="immediately", validate=validate.OneOf(ALERT_FREQUENCIES))
    q = fields.String(load_default="", validate=validate.Length(max=200))
    category = fields.String(load_default="")
    area = fields.String(load_default="")
    organisation = fields.String(load_default="")
    students = StrictBoolean(load_default=False)
    no_vog = StrictBoolean(load_default=False)
    long_term = StrictBoolean(load_default=None, allow_none=True)
    max_hours = WholeNumber(1, HOURS_PER_WEEK_MAX, load_default=None, allow_none=True)
    consent_version = consent_version_field()


class AlertReceiptSchema(BaseSchema):
    id = fields.String(dump_only=True)
    frequency = fields.String(dump_only=True)
    confirmed = fields.Function(
        lambda subscription: subscription.confirmed_at is not None,
        dump_only=True,
        metadata={"description": "False until the e-mail link is followed"},
    )
