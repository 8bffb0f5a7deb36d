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


class NetworkUpdatedV1(Contract):
    """The coordinator changed the network's settings: its name and the branding of its messages."""

    network_id = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    slug = fields.String(required=True)
    logo_url = fields.String(load_default="", dump_default="")
    brand_colour = fields.String(
        load_default="#0b6e4f", dump_default="#0b6e4f", validate=validate.Regexp(r"^#[0-9a-fA-F]{6}$")
    )


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


class OrganisationUpdatedV1(Contract):
    """The coordinator changed a member's registry entry."""

    organisation_id = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    identity = fields.String(load_default="", dump_default="")


class OrganisationRemovedV1(Contract):
    """The coordinator removed a member from the network."""

    organisation_id = fields.String(required=True)


class Recipient(Contract):
    """Someone a message goes to: an address, a name and a language, no more."""

    name = fields.String(required=True)
    email = fields.Email(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))


class VacancySubmittedV1(Contract):
    """A member submitted a vacancy for the coordinator's moderation."""

    vacancy_id = fields.String(required=True)
    title = fields.String(required=True)
    organisation_name = fields.String(required=True)
    network_name = fields.String(required=True)
    moderator = fields.Nested(Recipient, required=True)
    url = fields.Url(required=True, require_tld=False)


class VacancyRejectedV1(Contract):
    """The coordinator sent a submitted vacancy back, with a reason the member sees."""

    vacancy_id = fields.String(required=True)
    title = fields.String(required=True)
    reason = fields.String(required=True)
    network_name = fields.String(required=True)
    contact = fields.Nested(Recipient, required=True)


class VacancyClosedV1(Contract):
    """A vacancy left the bank: filled, closed by hand, or expired on its end date."""

    vacancy_id = fields.String(required=True)
    title = fields.String(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(["filled", "closed", "expired"]))


class CoPublishingInvitedV1(Contract):
    """A member invited another to publish a vacancy jointly."""

    vacancy_id = fields.String(required=True)
    title = fields.String(required=True)
    inviting_organisation = fields.String(required=True)
    network_name = fields.String(required=True)
    invitee = fields.Nested(Recipient, required=True)
    # The member's page for this vacancy, where the invitee accepts or declines (v1 events sent
    # before it was added have none: the e-mail then points to the portal in words).
    url = fields.Url(load_default=None, allow_none=True, require_tld=False)


class ResponseReceivedV1(Contract):
    """A volunteer responded and consented to share these details with every co-publisher."""

    response_id = fields.String(required=True)
    vacancy_id = fields.String(required=True)
    title = fields.String(required=True)
    network_name = fields.String(required=True)
    volunteer = fields.Nested(Recipient, required=True)
    phone = fields.String(load_default="", dump_default="")
    motivation = fields.String(load_default="", dump_default="")
    availability = fields.String(load_default="", dump_default="")
    publishers = fields.List(fields.Nested(Recipient), required=True, validate=validate.Length(min=1))
    url = fields.Url(required=True, require_tld=False)
    # The publishers' page for this response (status, note): a login first, then straight there.
    portal_url = fields.Url(load_default=None, allow_none=True, require_tld=False)


class ResponseReminderDueV1(Contract):
    """A co-publisher has not acted on a response for some days."""

    response_id = fields.String(required=True)
    title = fields.String(required=True)
    volunteer_name = fields.String(required=True)
    days = fields.Integer(required=True)
    network_name = fields.String(required=True)
    publishers = fields.List(fields.Nested(Recipient), required=True, validate=validate.Length(min=1))


class MatchQuestionDueV1(Contract):
    """Two weeks after a response: did it lead to a match? One click answers."""

    response_id = fields.String(required=True)
    title = fields.String(required=True)
    network_name = fields.String(required=True)
    volunteer = fields.Nested(Recipient, required=True)
    volunteer_yes_url = fields.Url(required=True, require_tld=False)
    volunteer_no_url = fields.Url(required=True, require_tld=False)
    organisation = fields.Nested(Recipient, required=True)
    organisation_yes_url = fields.Url(required=True, require_tld=False)
    organisation_no_url = fields.Url(required=True, require_tld=False)


class AlertRequestedV1(Contract):
    """Someone asked to follow a saved search; the message asks them to confirm (double opt-in)."""

    subscription_id = fields.String(required=True)
    subscriber = fields.Nested(Recipient, required=True)
    network_name = fields.String(required=True)
    description = fields.String(required=True)
    confirm_url = fields.Url(required=True, require_tld=False)


class VacancyDigestItem(Contract):
    title = fields.String(required=True)
    url = fields.Url(required=True, require_tld=False)
    organisations = fields.List(fields.String(), required=True)


class AlertDueV1(Contract):
    """New vacancies match a confirmed saved search: one message (immediately, or as a digest)."""

    subscription_id = fields.String(required=True)
    subscriber = fields.Nested(Recipient, required=True)
    network_name = fields.String(required=True)
    frequency = fields.String(required=True, validate=validate.OneOf(["immediately", "daily", "weekly"]))
    description = fields.String(required=True)
    vacancies = fields.List(fields.Nested(VacancyDigestItem), required=True, validate=validate.Length(min=1))
    unsubscribe_url = fields.Url(required=True, require_tld=False)
    unsubscribe_post_url = fields.Url(required=True, require_tld=False)


class LoginLink(Contract):
    label = fields.String(required=True)
    url = fields.Url(required=True, require_tld=False)


class LoginLinkRequestedV1(Contract):
    """Someone asked to log in; the message holds one single-use link per role they may act in."""

    recipient = fields.Nested(Recipient, required=True)
    network_name = fields.String(required=True)
    links = fields.List(fields.Nested(LoginLink), required=True, validate=validate.Length(min=1))
    minutes_valid = fields.Integer(required=True)


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


class StudentRegisteredV1(Contract):
    """A student registered through a cohort's link; the message asks them to confirm the address."""

    student_id = fields.String(required=True)
    cohort_id = fields.String(required=True)
    cohort_name = fields.String(required=True)
    partner_id = fields.String(required=True)
    partner_name = fields.String(required=True)
    network_name = fields.String(required=True)
    student = fields.Nested(Recipient, required=True)
    verify_url = fields.Url(required=True, require_tld=False)


class StudentInvitedV1(Contract):
    """An education partner imported (or invited again) a student: the message brings their own link
    to confirm the address and rank placements, so the allocation includes them."""

    student_id = fields.String(required=True)
    cohort_id = fields.String(required=True)
    cohort_name = fields.String(required=True)
    partner_id = fields.String(required=True)
    partner_name = fields.String(required=True)
    network_name = fields.String(required=True)
    student = fields.Nested(Recipient, required=True)
    invitation_url = fields.Url(required=True, require_tld=False)


class MeetSessionCancelledV1(Contract):
    """The education partner cancelled a meet-and-greet slot: every student signed up is told."""

    session_id = fields.String(required=True)
    cohort_id = fields.String(required=True)
    cohort_name = fields.String(required=True)
    partner_name = fields.String(required=True)
    network_name = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    place = fields.String(required=True)
    students = fields.List(fields.Nested(Recipient), required=True, validate=validate.Length(min=1))
    student_url = fields.Url(required=True, require_tld=False)


class PlacementAssignedV1(Contract):
    """The coordinator published a cohort's allocation: this student goes to this placement."""

    student_id = fields.String(required=True)
    placement_id = fields.String(required=True)
    cohort_id = fields.String(required=True)
    cohort_name = fields.String(required=True)
    placement_title = fields.String(required=True)
    organisation_id = fields.String(required=True)
    organisation_name = fields.String(required=True)
    network_name = fields.String(required=True)
    choice = fields.Integer(load_default=None, allow_none=True)
    student = fields.Nested(Recipient, required=True)
    organisation = fields.Nested(Recipient, required=True)
    student_url = fields.Url(required=True, require_tld=False)
    organisation_url = fields.Url(required=True, require_tld=False)


class PlacementConfirmedV1(Contract):
    """The organisation confirmed a student's placement. Appreciation may issue the student a pass."""

    student_id = fields.String(required=True)
    placement_id = fields.String(required=True)
    cohort_id = fields.String(required=True)
    partner_id = fields.String(required=True)
    organisation_id = fields.String(required=True)
    organisation_name = fields.String(required=True)
    placement_title = fields.String(required=True)
    network_name = fields.String(required=True)
    required_hours = fields.Integer(required=True)
    student = fields.Nested(Recipient, required=True)
    student_url = fields.Url(required=True, require_tld=False)


class PlacementSignedOffV1(Contract):
    """The organisation signed off a student's placement: the required hours were done."""

    student_id = fields.String(required=True)
    placement_id = fields.String(required=True)
    cohort_id = fields.String(required=True)
    partner_id = fields.String(required=True)
    organisation_name = fields.String(required=True)
    placement_title = fields.String(required=True)
    network_name = fields.String(required=True)
    hours = fields.Float(required=True)
    student = fields.Nested(Recipient, required=True)
    statement_url = fields.Url(required=True, require_tld=False)


CONTRACTS = {
    "recruitment.network_created.v1": NetworkCreatedV1,
    "recruitment.organisation_admitted.v1": OrganisationAdmittedV1,
    "recruitment.vacancy_published.v1": VacancyPublishedV1,
    "recruitment.api_token_issued.v1": ApiTokenIssuedV1,
    "recruitment.api_token_revoked.v1": ApiTokenRevokedV1,
    "recruitment.organisation_updated.v1": OrganisationUpdatedV1,
    "recruitment.network_updated.v1": NetworkUpdatedV1,
    "recruitment.organisation_removed.v1": OrganisationRemovedV1,
    "recruitment.vacancy_submitted.v1": VacancySubmittedV1,
    "recruitment.vacancy_rejected.v1": VacancyRejectedV1,
    "recruitment.vacancy_closed.v1": VacancyClosedV1,
    "recruitment.co_publishing_invited.v1": CoPublishingInvitedV1,
    "recruitment.response_received.v1": ResponseReceivedV1,
    "recruitment.response_reminder_due.v1": ResponseReminderDueV1,
    "recruitment.match_question_due.v1": MatchQuestionDueV1,
    "recruitment.alert_requested.v1": AlertRequestedV1,
    "recruitment.alert_due.v1": AlertDueV1,
    "recruitment.login_link_requested.v1": LoginLinkRequestedV1,
    "recruitment.student_registered.v1": StudentRegisteredV1,
    "recruitment.student_invited.v1": StudentInvitedV1,
    "recruitment.meet_session_cancelled.v1": MeetSessionCancelledV1,
    "recruitment.placement_assigned.v1": PlacementAssignedV1,
    "recruitment.placement_confirmed.v1": PlacementConfirmedV1,
    "recruitment.placement_signed_off.v1": PlacementSignedOffV1,
}
