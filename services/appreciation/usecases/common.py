"""What every appreciation use case shares: the outbox its events go out through."""

from __future__ import annotations

from services.appreciation.models import OutboxMessage
from shared.messaging.outbox import Outbox

outbox = Outbox(OutboxMessage, source="appreciation")
