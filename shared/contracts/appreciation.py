"""Contracts of the events appreciation publishes. Never edit a published version: add a new one."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.contracts.recruitment import Contract, LoginLink, Recipient


class PassIssuedV1(Contract):
    """A person got a volunteer pass (nominated, as a student, or reissued after a loss); the
    message brings them the number and the link to their pass page with its QR code."""

    pass_id = fields.String(required=True)
    holder = fields.Nested(Recipient, required=True)
    number = fields.String(required=True, validate=validate.Length(min=12, max=16))
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(required=True)
    network_name = fields.String(required=True)
    pass_url = fields.Url(required=True, require_tld=False)
    qr_url = fields.Url(required=True, require_tld=False)
    reason = fields.String(required=True, validate=validate.OneOf(["nominated", "student", "reissued"]))


class PassRedeemedV1(Contract):
    """A pass was used for an offer at a discount partner (a receipt, if the holder wants one)."""

    redemption_id = fields.String(required=True)
    pass_id = fields.String(required=True)
    offer_id = fields.String(required=True)
    offer_title = fields.String(required=True)
    partner_id = fields.String(required=True)
    partner_name = fields.String(required=True)
    network_name = fields.String(required=True)
    redeemed_at = fields.AwareDateTime(required=True)
    holder = fields.Nested(Recipient, required=True)


class PartnerLoginRequestedV1(Contract):
    """A discount partner asked to log in to its counter page; one single-use link."""

    recipient = fields.Nested(Recipient, required=True)
    network_name = fields.String(required=True)
    links = fields.List(fields.Nested(LoginLink), required=True, validate=validate.Length(min=1))
    minutes_valid = fields.Integer(required=True)


CONTRACTS = {
    "appreciation.pass_issued.v1": PassIssuedV1,
    "appreciation.pass_redeemed.v1": PassRedeemedV1,
    "appreciation.partner_login_requested.v1": PartnerLoginRequestedV1,
}
