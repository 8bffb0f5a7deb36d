"""What every appreciation use case shares: the outbox its events go out through, the audit trail."""

from __future__ import annotations

from services.appreciation.models import AuditEntry, OutboxMessage
from shared.audit import AuditTrail
from shared.messaging.outbox import Outbox

outbox = Outbox(OutboxMessage, source="appreciation")
audit = AuditTrail(AuditEntry)
