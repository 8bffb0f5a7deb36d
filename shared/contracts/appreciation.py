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


class PartnerAdmittedV1(Contract):
    """The coordinator admitted a discount partner: the welcome brings its contact the address of
    its login page (a login link itself would have expired before a welcome is read)."""

    partner_id = fields.String(required=True)
    recipient = fields.Nested(Recipient, required=True)
    partner_name = fields.String(required=True)
    network_name = fields.String(required=True)
    login_url = fields.Url(required=True, require_tld=False)


CONTRACTS = {
    "appreciation.pass_issued.v1": PassIssuedV1,
    "appreciation.pass_redeemed.v1": PassRedeemedV1,
    "appreciation.partner_login_requested.v1": PartnerLoginRequestedV1,
    "appreciation.partner_admitted.v1": PartnerAdmittedV1,
}


class EventSummary(Contract):
    """What every message about an appreciation event shows of it."""

    event_id = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    venue = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    network_name = fields.String(required=True)


class Invitee(Recipient):
    signup_url = fields.Url(required=True, require_tld=False)


class InvitationsSentV1(Contract):
    """A batch of invitations to an event (at most a few hundred people): one event, one message per
    invitee, sent over one SMTP connection."""

    event = fields.Nested(EventSummary, required=True)
    network_name = fields.String(required=True)
    description = fields.String(load_default="", dump_default="")
    signup_deadline = fields.AwareDateTime(required=True)
    invitees = fields.List(fields.Nested(Invitee), required=True, validate=validate.Length(min=1, max=1000))


class SignupAnsweredV1(Contract):
    """Someone signed up (or joined the waiting list) for an event: the confirmation."""

    invitation_id = fields.String(required=True)
    event = fields.Nested(EventSummary, required=True)
    network_name = fields.String(required=True)
    person = fields.Nested(Recipient, required=True)
    status = fields.String(required=True, validate=validate.OneOf(["signed_up", "waiting"]))
    waiting_position = fields.Integer(load_default=None, allow_none=True)
    seats = fields.Integer(required=True)
    manage_url = fields.Url(required=True, require_tld=False)


class PlaceOfferedV1(Contract):
    """A place came free and is offered to the next person on the waiting list, until a deadline."""

    invitation_id = fields.String(required=True)
    event = fields.Nested(EventSummary, required=True)
    network_name = fields.String(required=True)
    person = fields.Nested(Recipient, required=True)
    confirm_url = fields.Url(required=True, require_tld=False)
    expires_at = fields.AwareDateTime(required=True)


class PersonWithLink(Recipient):
    url = fields.Url(required=True, require_tld=False)


class _ToMany(Contract):
    """A message to many people about one event, at most a batch of them per event."""

    event = fields.Nested(EventSummary, required=True)
    network_name = fields.String(required=True)
    people = fields.List(
        fields.Nested(PersonWithLink), required=True, validate=validate.Length(min=1, max=1000)
    )


class EventReminderDueV1(_ToMany):
    """The event is near (two days by default): a reminder to everyone signed up, once each."""


class EventChangedV1(_ToMany):
    """The time or the venue changed: everyone signed up (or offered a place) is told."""

    previous_starts_at = fields.AwareDateTime(required=True)
    previous_venue = fields.String(required=True)


class EventCancelledV1(_ToMany):
    """The event will not take place: everyone invited is told."""


class FeedbackRequestedV1(_ToMany):
    """The event is over: those who came are asked for a mark and a comment."""


CONTRACTS.update(
    {
        "appreciation.invitations_sent.v1": InvitationsSentV1,
        "appreciation.signup_answered.v1": SignupAnsweredV1,
        "appreciation.place_offered.v1": PlaceOfferedV1,
        "appreciation.event_reminder_due.v1": EventReminderDueV1,
        "appreciation.event_changed.v1": EventChangedV1,
        "appreciation.event_cancelled.v1": EventCancelledV1,
        "appreciation.feedback_requested.v1": FeedbackRequestedV1,
    }
)
