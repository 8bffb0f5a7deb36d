"""The event envelope (CloudEvents attribute names) that wraps every event between services."""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, fields, validate

TYPE_PATTERN = r"^[a-z]+\.[a-z_]+\.v[0-9]+$"


class EnvelopeSchema(Schema):
    """`id` is the idempotency key: consumers remember it, so a redelivery changes nothing."""

    class Meta:
        unknown = EXCLUDE  # tolerant reader

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(TYPE_PATTERN))
    source = fields.String(
        required=True, validate=validate.OneOf(["recruitment", "appreciation", "notifications"])
    )
    time = fields.AwareDateTime(required=True, default_timezone=UTC)
    network_id = fields.String(required=True, allow_none=True)
    data = fields.Dict(required=True)


def envelope(
    event_id: str,
    type_: str,
    source: str,
    network_id: str | None,
    data: dict,
    time: datetime | None = None,
) -> dict:
    """A JSON-ready envelope; `data` must already be the dumped contract."""
    return {
        "id": str(event_id),
        "type": type_,
        "source": source,
        "time": (time or datetime.now(UTC)).isoformat(),
        "network_id": network_id,
        "data": data,
    }
