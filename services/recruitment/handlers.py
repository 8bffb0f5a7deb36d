"""Events recruitment receives from other services, mapped to what it does with them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.recruitment.links import Links
from services.recruitment.usecases import privacy_requests
from shared.db import utcnow
from shared.messaging.inbox import Event, Handler


def privacy_answer(links: Links) -> Handler:
    """`<service>.personal_data_collected.v1` / `_erased.v1`: one service's part of a person's request."""

    def record(session: Session, event: Event) -> None:
        privacy_requests.record_part(
            session,
            event.data["request_id"],
            event.source,
            event.network_id,
            utcnow(),
            links,
            records=event.data.get("records"),
            counts=event.data.get("counts"),
        )

    return record


def event_handlers(links: Links) -> dict[str, list[Handler]]:
    answer = privacy_answer(links)
    return {
        f"{service}.personal_data_{verb}.v1": [answer]
        for service in ("appreciation", "notifications")
        for verb in ("collected", "erased")
    }
