"""Who subscribes to what: the one table that shows every flow between the services.

Publishing an event sends one durable task per subscriber, by name, to that service's own queue:
``<service>.handle_event``. An event type nobody subscribes to is still recorded in the outbox.
"""

SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "recruitment.network_created.v1": ("appreciation", "notifications"),
    "recruitment.organisation_admitted.v1": ("appreciation",),
    "recruitment.vacancy_published.v1": ("notifications",),
    "recruitment.api_token_issued.v1": ("appreciation", "notifications"),
    "recruitment.api_token_revoked.v1": ("appreciation", "notifications"),
    "recruitment.organisation_updated.v1": ("appreciation",),
    "recruitment.network_updated.v1": ("appreciation", "notifications"),
    "recruitment.organisation_removed.v1": ("appreciation",),
    "recruitment.vacancy_submitted.v1": ("notifications",),
    "recruitment.vacancy_rejected.v1": ("notifications",),
    "recruitment.co_publishing_invited.v1": ("notifications",),
    "recruitment.response_received.v1": ("notifications",),
    "recruitment.response_reminder_due.v1": ("notifications",),
    "recruitment.match_question_due.v1": ("notifications",),
    "recruitment.alert_requested.v1": ("notifications",),
    "recruitment.alert_due.v1": ("notifications",),
    "recruitment.login_link_requested.v1": ("notifications",),
    "recruitment.student_registered.v1": ("notifications",),
    "recruitment.student_invited.v1": ("notifications",),
    "recruitment.meet_session_cancelled.v1": ("notifications",),
    "recruitment.placement_assigned.v1": ("notifications",),
    # Appreciation issues a pass to a confirmed student where the network's policy says so.
    "recruitment.placement_confirmed.v1": ("notifications", "appreciation"),
    "recruitment.placement_signed_off.v1": ("notifications",),
    "appreciation.pass_issued.v1": ("notifications",),
    "appreciation.pass_redeemed.v1": ("notifications",),
    "appreciation.partner_login_requested.v1": ("notifications",),
    "appreciation.partner_admitted.v1": ("notifications",),
    "appreciation.invitations_sent.v1": ("notifications",),
    "appreciation.signup_answered.v1": ("notifications",),
    "appreciation.place_offered.v1": ("notifications",),
    "appreciation.event_reminder_due.v1": ("notifications",),
    "appreciation.event_changed.v1": ("notifications",),
    "appreciation.event_cancelled.v1": ("notifications",),
    "appreciation.feedback_requested.v1": ("notifications",),
    # A person's data request: recruitment keeps it, every service answers for its own data.
    "recruitment.privacy_request_received.v1": ("notifications",),
    "recruitment.personal_data_requested.v1": ("appreciation", "notifications"),
    "recruitment.personal_data_ready.v1": ("notifications",),
    "recruitment.response_withdrawn.v1": ("notifications",),
    "appreciation.personal_data_collected.v1": ("recruitment",),
    "appreciation.personal_data_erased.v1": ("recruitment",),
    "notifications.personal_data_collected.v1": ("recruitment",),
    "notifications.personal_data_erased.v1": ("recruitment",),
}


def subscribers(event_type: str) -> tuple[str, ...]:
    """The services that receive `event_type`."""
    return SUBSCRIPTIONS.get(event_type, ())


def handler_task(service: str) -> str:
    """The name of the task through which `service` receives events."""
    return f"{service}.handle_event"
