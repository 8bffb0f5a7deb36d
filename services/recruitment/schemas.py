"""HTTP schemas of recruitment's API: separate shapes for input, output and query arguments."""

from __future__ import annotations

from marshmallow import fields, validate

from services.recruitment.domain import SLUG_PATTERN
from shared.web.schemas import BaseSchema

NAME = validate.Length(min=1, max=200)


class NetworkCreateSchema(BaseSchema):
    name = fields.String(required=True, validate=NAME)
    slug = fields.String(
        required=True, validate=[validate.Length(min=2, max=60), validate.Regexp(SLUG_PATTERN)]
    )
    region = fields.String(load_default="", validate=validate.Length(max=200))


class NetworkSchema(BaseSchema):
    id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    slug = fields.String(dump_only=True)
    region = fields.String(dump_only=True)


class NetworkCreatedSchema(BaseSchema):
    network = fields.Nested(NetworkSchema, dump_only=True)
    coordinator_token = fields.String(
        dump_only=True, metadata={"description": "Shown once; store it safely."}
    )


class OrganisationCreateSchema(BaseSchema):
    name = fields.String(required=True, validate=NAME)
    identity = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "Background the member keeps, e.g. humanist"},
    )
    contact_name = fields.String(required=True, validate=NAME)
    contact_email = fields.Email(required=True)
    language = fields.String(load_default="nl", validate=validate.OneOf(["nl", "en"]))
    website = fields.Url(load_default="")


class OrganisationSchema(BaseSchema):
    id = fields.String(dump_only=True)
    network_id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    identity = fields.String(dump_only=True)
    website = fields.String(dump_only=True)


class OrganisationCreatedSchema(BaseSchema):
    organisation = fields.Nested(OrganisationSchema, dump_only=True)
    token = fields.String(dump_only=True, metadata={"description": "Shown once; store it safely."})


class VacancyInputSchema(BaseSchema):
    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=10_000))
    place = fields.String(load_default="", validate=validate.Length(max=200))
    area = fields.String(load_default="", validate=validate.Length(max=200))
    hours_per_week = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=40)
    )
    vog_required = fields.Boolean(load_default=False)


class VacancyPatchSchema(VacancyInputSchema):
    """The same fields as a draft; use with partial=True so absent fields stay as they are."""


class VacancySchema(BaseSchema):
    id = fields.String(dump_only=True)
    network_id = fields.String(dump_only=True)
    organisation = fields.Nested(OrganisationSchema, dump_only=True)
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    place = fields.String(dump_only=True)
    area = fields.String(dump_only=True)
    hours_per_week = fields.Integer(dump_only=True)
    vog_required = fields.Boolean(dump_only=True)
    status = fields.String(dump_only=True)
    published_at = fields.DateTime(dump_only=True)


class VacancyQuerySchema(BaseSchema):
    network = fields.String(required=True, metadata={"description": "The network's slug"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
