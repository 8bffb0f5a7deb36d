"""What notifications does with each event it receives: record who must be told what.

Handlers only write delivery rows (in the same transaction as the inbox record); sending happens
afterwards, outside the transaction, in `usecases.deliveries.deliver_pending`. Each message type is
one line of `EVENT_HANDLERS`: which template, to whom (the rules in `domain`).
"""

from __future__ import annotations

import functools

from sqlalchemy.orm import Session

from services.notifications.domain import (
    Recipients,
    both_sides_of_match,
    by_address,
    display_name,
    each_invitee,
    each_person,
    first_status,
    language_for,
    publisher_of_vacancy,
    shared_context,
    to,
    to_each,
)
from services.notifications.models import ApiToken, Delivery, NetworkReplica, Preference
from services.notifications.usecases import preferences, privacy
from shared.api_tokens import token_replica_handlers
from shared.contracts import schema_for
from shared.db import utcnow
from shared.messaging.inbox import Event, Handler


def replicate_network(session: Session, event: Event) -> None:
    """Keep the network's name (and, once set, its branding) for the messages' look."""
    data = event.data
    replica = session.get(NetworkReplica, data["network_id"]) or NetworkReplica(id=data["network_id"])
    replica.name, replica.slug = data["name"], data["slug"]
    if "brand_colour" in data:
        replica.logo_url, replica.brand_colour = data["logo_url"], data["brand_colour"]
    session.add(replica)


def schedule_delivery(
    session: Session,
    event: Event,
    *,
    template: str,
    recipient: str,
    recipient_name: str,
    lang: str,
    context: dict,
    pref: Preference | None,
) -> None:
    """Record one message; a refused non-essential kind is recorded as suppressed, not sent.
    `pref` is the recipient's preferences (None: none stated)."""
    status, error = first_status(pref.refused if pref else None, template)
    session.add(
        Delivery(
            network_id=event.network_id,
            event_id=event.id,
            event_type=event.type,
            recipient=recipient.lower(),
            recipient_name=recipient_name,
            template=template,
            language=language_for(pref.language if pref else None, lang),
            context=context,
            status=status,
            error=error,
        )
    )


def notify(template: str, recipients: Recipients) -> Handler:
    """A handler that records one delivery of `template` per recipient."""

    def handle(session: Session, event: Event) -> None:
        # Stored as JSON until sent: dates and times as the contract writes them (ISO strings).
        data = schema_for(event.type).dump(event.data)
        common = shared_context(data)
        people = by_address(recipients(data))
        prefs = preferences.of_each(session, list(people))
        for address, (person, extra) in people.items():
            schedule_delivery(
                session,
                event,
                template=template,
                recipient=address,
                recipient_name=display_name(person["name"]),
                lang=person["language"],
                context={**common, **extra, "recipient_name": person["name"]},
                pref=prefs.get(address),
            )

    handle.__qualname__ = f"notify_{template}"
    return handle


_tokens = token_replica_handlers(ApiToken)


def personal_data(secret_key: str) -> Handler:
    """recruitment.personal_data_requested.v1: notifications' part of a person's request."""

    def answer(session: Session, event: Event) -> None:
        privacy.answer(session, event.network_id, event.data, utcnow(), secret_key)

    return answer


def event_handlers(secret_key: str) -> dict[str, list[Handler]]:
    """Every event notifications receives: the messages of `EVENT_HANDLERS`, none of them sent to
    or about an address erased in the network (`usecases.privacy.suppress_erased`), and its part of
    a person's data request."""

    def guarded(handler: Handler) -> Handler:
        @functools.wraps(handler)  # the same name: the inbox knows each handler by it
        def handle(session: Session, event: Event) -> None:
            handler(session, event)
            privacy.suppress_erased(session, event.network_id, secret_key)

        return handle

    return {
        **{kind: [guarded(h) for h in handlers] for kind, handlers in EVENT_HANDLERS.items()},
        "recruitment.personal_data_requested.v1": [personal_data(secret_key)],
    }


EVENT_HANDLERS: dict[str, list[Handler]] = {
    "recruitment.api_token_issued.v1": [_tokens["issued"]],
    "recruitment.api_token_revoked.v1": [_tokens["revoked"]],
    "recruitment.network_created.v1": [replicate_network],
    "recruitment.network_updated.v1": [replicate_network],
    "recruitment.vacancy_published.v1": [notify("vacancy_published", publisher_of_vacancy)],
    "recruitment.vacancy_submitted.v1": [notify("vacancy_submitted", to("moderator"))],
    "recruitment.vacancy_rejected.v1": [notify("vacancy_rejected", to("contact"))],
    "recruitment.co_publishing_invited.v1": [notify("co_publishing_invited", to("invitee"))],
    "recruitment.response_received.v1": [
        notify("response_confirmation", to("volunteer")),
        notify("response_received", to_each("publishers")),
    ],
    "recruitment.response_reminder_due.v1": [notify("response_reminder", to_each("publishers"))],
    "recruitment.match_question_due.v1": [notify("match_question", both_sides_of_match)],
    "recruitment.alert_requested.v1": [notify("alert_confirmation", to("subscriber"))],
    "recruitment.alert_due.v1": [notify("alert", to("subscriber"))],
    "recruitment.login_link_requested.v1": [notify("login_link", to("recipient"))],
    "recruitment.student_registered.v1": [notify("student_registered", to("student"))],
    "recruitment.student_invited.v1": [notify("student_invited", to("student"))],
    "recruitment.meet_session_cancelled.v1": [notify("meet_session_cancelled", to_each("students"))],
    "recruitment.placement_assigned.v1": [
        notify("placement_assigned_student", to("student")),
        notify("placement_assigned_organisation", to("organisation")),
    ],
    "recruitment.placement_confirmed.v1": [notify("placement_confirmed", to("student"))],
    "recruitment.placement_signed_off.v1": [notify("placement_signed_off", to("student"))],
    "appreciation.pass_issued.v1": [notify("pass_issued", to("holder"))],
    "appreciation.pass_redeemed.v1": [notify("pass_redeemed", to("holder"))],
    "appreciation.partner_login_requested.v1": [notify("login_link", to("recipient"))],
    "appreciation.partner_admitted.v1": [notify("partner_welcome", to("recipient"))],
    "appreciation.invitations_sent.v1": [notify("event_invitation", each_invitee)],
    "appreciation.signup_answered.v1": [notify("signup_answered", to("person"))],
    "appreciation.place_offered.v1": [notify("place_offered", to("person"))],
    "appreciation.event_reminder_due.v1": [notify("event_reminder", each_person)],
    "appreciation.event_changed.v1": [notify("event_changed", each_person)],
    "appreciation.event_cancelled.v1": [notify("event_cancelled", each_person)],
    "appreciation.feedback_requested.v1": [notify("feedback_request", each_person)],
    "recruitment.privacy_request_received.v1": [notify("privacy_request", to("recipient"))],
    "recruitment.personal_data_ready.v1": [notify("personal_data_ready", to("recipient"))],
    "recruitment.response_withdrawn.v1": [notify("response_withdrawn", to_each("publishers"))],
}
