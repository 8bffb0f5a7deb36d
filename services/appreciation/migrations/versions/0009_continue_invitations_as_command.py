"""a gathering's next batch of invitations is a command to itself, no longer an event: pending rows move

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 09:50:00

Until this release appreciation asked itself for the next batch with the event
`appreciation.invitations_continue.v1`; now it queues the task `appreciation.continue_invitations`
through its outbox (shared.messaging.commands). An unsent row of the old kind would find no
subscriber and its batch would never go out, so each one is rewritten into the command it stands
for, keeping its id (the inbox still runs it once). Sent rows are history and stay as they were.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

EVENT = "appreciation.invitations_continue.v1"
COMMAND = "appreciation.continue_invitations"

outbox = sa.table(
    "outbox",
    sa.column("id", sa.Integer),
    sa.column("type", sa.String),
    sa.column("message", sa.JSON),
    sa.column("sent_at", sa.DateTime),
)


def _rewrite(kind: str, into) -> None:
    connection = op.get_bind()
    pending = connection.execute(
        sa.select(outbox.c.id, outbox.c.message).where(outbox.c.type == kind, outbox.c.sent_at.is_(None))
    ).all()
    for row_id, message in pending:
        new_kind, new_message = into(message)
        connection.execute(
            sa.update(outbox).where(outbox.c.id == row_id).values(type=new_kind, message=new_message)
        )


def _as_command(event: dict) -> tuple[str, dict]:
    return COMMAND, {
        "id": event["id"],
        "task": COMMAND,
        "network_id": event.get("network_id"),
        "data": event.get("data") or {},
        "time": event.get("time"),
    }


def _as_event(command: dict) -> tuple[str, dict]:
    return EVENT, {
        "id": command["id"],
        "type": EVENT,
        "source": "appreciation",
        "time": command.get("time"),
        "network_id": command.get("network_id"),
        "data": command.get("data") or {},
    }


def upgrade() -> None:
    _rewrite(EVENT, _as_command)


def downgrade() -> None:
    _rewrite(COMMAND, _as_event)
