"""What notifications does with each event it receives: record who must be told what.

Handlers only write delivery rows (in the same transaction as the inbox record); sending happens
afterwards, outside the transaction, in `deliveries.deliver_pending`. Each message type is one line
of `MESSAGES`: which template, to whom, with which context.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from services.notifications import preferences
from services.notifications.models import ApiToken, Delivery, DeliveryStatus, NetworkReplica, Preference
from shared.api_tokens import token_replica_handlers
from shared.contracts import schema_for
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
    refused = preferences.refuses(pref, template)
    session.add(
        Delivery(
            network_id=event.network_id,
            event_id=event.id,
            event_type=event.type,
            recipient=recipient.lower(),
            recipient_name=recipient_name,
            template=template,
            language=(pref.language if pref and pref.language else lang),
            context=context,
            status=DeliveryStatus.SUPPRESSED if refused else DeliveryStatus.PENDING,
            error="the recipient unsubscribed from this kind of message" if refused else "",
        )
    )


Recipients = Callable[[dict], list[tuple[dict, dict]]]  # data -> [(recipient, extra context)]


BATCH_LISTS = ("invitees", "people")


def to(key: str) -> Recipients:
    """One recipient, found under `key` in the payload."""
    return lambda data: [(data[key], {})]


def to_each(key: str) -> Recipients:
    """Every recipient in the list under `key`."""
    return lambda data: [(r, {}) for r in data[key]]


def notify(template: str, recipients: Recipients) -> Handler:
    """A handler that records one delivery of `template` per recipient."""

    def handle(session: Session, event: Event) -> None:
        # Stored as JSON until sent: dates and times as the contract writes them (ISO strings).
        data = schema_for(event.type).dump(event.data)
        # A batch's list of people stays out of each person's message: nobody's link in another's row.
        shared_context = {k: v for k, v in data.items() if k not in BATCH_LISTS}
        people = {}
        for person, extra in recipients(data):
            # Two publishers sharing one contact address get one message.
            people.setdefault(person["email"].lower(), (person, extra))
        prefs = preferences.of_each(session, list(people))
        for address, (person, extra) in people.items():
            schedule_delivery(
                session,
                event,
                template=template,
                recipient=address,
                recipient_name=" ".join(person["name"].split()),
                lang=person["language"],
                context={**shared_context, **extra, "recipient_name": person["name"]},
                pref=prefs.get(address),
            )

    handle.__qualname__ = f"notify_{template}"
    return handle


def _publisher_of_vacancy(data: dict) -> list[tuple[dict, dict]]:
    return [
        ({"name": data["contact_name"], "email": data["contact_email"], "language": data["language"]}, {})
    ]


def _match_question(data: dict) -> list[tuple[dict, dict]]:
    return [
        (
            data["volunteer"],
            {"yes_url": data["volunteer_yes_url"], "no_url": data["volunteer_no_url"], "as_volunteer": True},
        ),
        (
            data["organisation"],
            {
                "yes_url": data["organisation_yes_url"],
                "no_url": data["organisation_no_url"],
                "as_volunteer": False,
            },
        ),
    ]


def _each_invitee(data: dict) -> list[tuple[dict, dict]]:
    """One invitation per person in the batch, each with their own sign-up link."""
    return [(person, {"signup_url": person["signup_url"]}) for person in data["invitees"]]


def _each_person(data: dict) -> list[tuple[dict, dict]]:
    """One message per person in the batch, each with their own link."""
    return [(person, {"url": person["url"]}) for person in data["people"]]


_tokens = token_replica_handlers(ApiToken)

EVENT_HANDLERS: dict[str, list[Handler]] = {
    "recruitment.api_token_issued.v1": [_tokens["issued"]],
    "recruitment.api_token_revoked.v1": [_tokens["revoked"]],
    "recruitment.network_created.v1": [replicate_network],
    "recruitment.network_updated.v1": [replicate_network],
    "recruitment.vacancy_published.v1": [notify("vacancy_published", _publisher_of_vacancy)],
    "recruitment.vacancy_submitted.v1": [notify("vacancy_submitted", to("moderator"))],
    "recruitment.vacancy_rejected.v1": [notify("vacancy_rejected", to("contact"))],
    "recruitment.co_publishing_invited.v1": [notify("co_publishing_invited", to("invitee"))],
    "recruitment.response_received.v1": [
        notify("response_confirmation", to("volunteer")),
        notify("response_received", to_each("publishers")),
    ],
    "recruitment.response_reminder_due.v1": [notify("response_reminder", to_each("publishers"))],
    "recruitment.match_question_due.v1": [notify("match_question", _match_question)],
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
    "appreciation.invitations_sent.v1": [notify("event_invitation", _each_invitee)],
    "appreciation.signup_answered.v1": [notify("signup_answered", to("person"))],
    "appreciation.place_offered.v1": [notify("place_offered", to("person"))],
    "appreciation.event_reminder_due.v1": [notify("event_reminder", _each_person)],
    "appreciation.event_changed.v1": [notify("event_changed", _each_person)],
    "appreciation.event_cancelled.v1": [notify("event_cancelled", _each_person)],
    "appreciation.feedback_requested.v1": [notify("feedback_request", _each_person)],
}
