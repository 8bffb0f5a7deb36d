"""Contracts of the events recruitment publishes. Never edit a published version: add a new one."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

LANGUAGES = ["nl", "en"]


class Contract(Schema):
    """Base of every event payload: consumers ignore fields they do not know."""

    class Meta:
        unknown = EXCLUDE


class NetworkCreatedV1(Contract):
    """A coordinator opened a new local network."""

    network_id = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    slug = fields.String(required=True)
    region = fields.String(load_default="", dump_default="")


class OrganisationAdmittedV1(Contract):
    """The coordinator admitted a member organisation to the network."""

    organisation_id = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    identity = fields.String(load_default="", dump_default="")


class VacancyPublishedV1(Contract):
    """A (joint) vacancy appeared in the network's public vacancy bank.

    Carries the snapshot a message needs: who to tell (the drafting organisation's contact), in which
    language, and what to say. No more personal data than that.
    """

    vacancy_id = fields.String(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisation_id = fields.String(required=True)
    organisation_names = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    network_name = fields.String(required=True)
    url = fields.Url(required=True, require_tld=False)
    contact_name = fields.String(required=True)
    contact_email = fields.Email(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))


class ApiTokenIssuedV1(Contract):
    """An API token was issued. Carries only the SHA-256 of a 256-bit secret, so other services can
    recognise the token without ever holding it."""

    token_id = fields.String(required=True)
    token_hash = fields.String(required=True, validate=validate.Length(equal=64))
    name = fields.String(required=True)
    role = fields.String(required=True)
    organisation_id = fields.String(load_default=None, allow_none=True)
    partner_id = fields.String(load_default=None, allow_none=True)


class ApiTokenRevokedV1(Contract):
    """An API token was revoked; every service stops accepting it."""

    token_id = fields.String(required=True)


CONTRACTS = {
    "recruitment.network_created.v1": NetworkCreatedV1,
    "recruitment.organisation_admitted.v1": OrganisationAdmittedV1,
    "recruitment.vacancy_published.v1": VacancyPublishedV1,
    "recruitment.api_token_issued.v1": ApiTokenIssuedV1,
    "recruitment.api_token_revoked.v1": ApiTokenRevokedV1,
}

SAMPLES = {
    "recruitment.network_created.v1": {
        "network_id": "5b7c1a52-0000-4000-8000-000000000001",
        "name": "Netwerk Vrijwilligerszorg Enkhuizen",
        "slug": "enkhuizen",
        "region": "Enkhuizen",
    },
    "recruitment.organisation_admitted.v1": {
        "organisation_id": "5b7c1a52-0000-4000-8000-000000000002",
        "name": "Humanitas Enkhuizen",
        "identity": "humanistisch",
    },
    "recruitment.vacancy_published.v1": {
        "vacancy_id": "5b7c1a52-0000-4000-8000-000000000003",
        "title": "Maatje voor een oudere buurtbewoner",
        "organisation_id": "5b7c1a52-0000-4000-8000-000000000002",
        "organisation_names": ["Humanitas Enkhuizen", "De Zonnebloem Enkhuizen"],
        "network_name": "Netwerk Vrijwilligerszorg Enkhuizen",
        "url": "http://localhost:8000/vacatures/5b7c1a52-0000-4000-8000-000000000003",
        "contact_name": "Anne de Vries",
        "contact_email": "anne@example.org",
        "language": "nl",
    },
    "recruitment.api_token_issued.v1": {
        "token_id": "5b7c1a52-0000-4000-8000-000000000004",
        "token_hash": "0" * 64,
        "name": "organisation Humanitas Enkhuizen",
        "role": "organisation",
        "organisation_id": "5b7c1a52-0000-4000-8000-000000000002",
        "partner_id": None,
    },
    "recruitment.api_token_revoked.v1": {"token_id": "5b7c1a52-0000-4000-8000-000000000004"},
}
