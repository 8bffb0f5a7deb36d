"""Contracts of a person's data request (AVG art. 15 access, art. 17 erasure) across the services.

Recruitment keeps the request (the network's privacy desk); every service, recruitment too, answers
for the data it holds. The address travels only to the services that must look it up; the answers
carry the request's id, and an erasure's confirmation carries counts, never the data."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.contracts.recruitment import Contract, Recipient

KINDS = ["access", "erasure"]


class PrivacyRequestReceivedV1(Contract):
    """Someone asked on the network's page to see or erase what Knoop holds about an address: the
    message to that address asks them to confirm, so nobody asks for someone else's data."""

    request_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    recipient = fields.Nested(Recipient, required=True)
    network_name = fields.String(required=True)
    confirm_url = fields.Url(required=True, require_tld=False)
    days_valid = fields.Integer(required=True)


class PersonalDataRequestedV1(Contract):
    """A confirmed request: every service collects (access) or erases (erasure) what it holds about
    `email` in the envelope's network, and answers with the request's id."""

    request_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    email = fields.Email(required=True)


class PersonalDataCollectedV1(Contract):
    """A service's part of an access request: its records about the address, by kind of record."""

    request_id = fields.String(required=True)
    records = fields.Dict(keys=fields.String(), required=True)  # kind of record → list of records


class PersonalDataErasedV1(Contract):
    """A service erased or anonymised what it held about the address: how many of each kind."""

    request_id = fields.String(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class PersonalDataReadyV1(Contract):
    """Every service answered an access request: the download waits behind a link until it expires."""

    request_id = fields.String(required=True)
    recipient = fields.Nested(Recipient, required=True)
    network_name = fields.String(required=True)
    download_url = fields.Url(required=True, require_tld=False)
    expires_on = fields.Date(required=True)


class ResponseWithdrawnV1(Contract):
    """A volunteer's response was withdrawn at their request (erasure): its publishers are told so,
    without the volunteer's details, which are gone."""

    response_id = fields.String(required=True)
    vacancy_id = fields.String(required=True)
    title = fields.String(required=True)
    network_name = fields.String(required=True)
    publishers = fields.List(fields.Nested(Recipient), required=True, validate=validate.Length(min=1))
    responded_on = fields.Date(required=True)


# Answers that hold all a service knows of a person: their sender forgets them soon after sending.
ACCESS_ANSWERS = ("appreciation.personal_data_collected.v1", "notifications.personal_data_collected.v1")

CONTRACTS = {
    "recruitment.response_withdrawn.v1": ResponseWithdrawnV1,
    "recruitment.privacy_request_received.v1": PrivacyRequestReceivedV1,
    "recruitment.personal_data_requested.v1": PersonalDataRequestedV1,
    "recruitment.personal_data_ready.v1": PersonalDataReadyV1,
    "appreciation.personal_data_collected.v1": PersonalDataCollectedV1,
    "appreciation.personal_data_erased.v1": PersonalDataErasedV1,
    "notifications.personal_data_collected.v1": PersonalDataCollectedV1,
    "notifications.personal_data_erased.v1": PersonalDataErasedV1,
}
