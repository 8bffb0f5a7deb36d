"""What notifications does with each event it receives: record who must be told what.

Handlers only write delivery rows (in the same transaction as the inbox record); sending happens
afterwards, outside the transaction, in `deliveries.deliver_pending`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifications.models import ApiToken, Delivery, NetworkReplica
from shared.auth import token_replica_handlers
from shared.messaging.inbox import Event, Handler


def replicate_network(session: Session, event: Event) -> None:
    data = event.data
    replica = session.get(NetworkReplica, data["network_id"]) or NetworkReplica(id=data["network_id"])
    replica.name, replica.slug = data["name"], data["slug"]
    session.add(replica)


def tell_publisher_vacancy_is_live(session: Session, event: Event) -> None:
    data = event.data
    schedule_delivery(
        session,
        event,
        template="vacancy_published",
        recipient=data["contact_email"],
        recipient_name=data["contact_name"],
        lang=data["language"],
        context=data,
    )


def schedule_delivery(
    session: Session,
    event: Event,
    *,
    template: str,
    recipient: str,
    recipient_name: str,
    lang: str,
    context: dict,
) -> None:
    session.add(
        Delivery(
            network_id=event.network_id,
            event_id=event.id,
            event_type=event.type,
            recipient=recipient.lower(),
            recipient_name=recipient_name,
            template=template,
            language=lang,
            context=context,
        )
    )


_tokens = token_replica_handlers(ApiToken)

EVENT_HANDLERS: dict[str, list[Handler]] = {
    "recruitment.api_token_issued.v1": [_tokens["issued"]],
    "recruitment.api_token_revoked.v1": [_tokens["revoked"]],
    "recruitment.network_created.v1": [replicate_network],
    "recruitment.vacancy_published.v1": [tell_publisher_vacancy_is_live],
}
