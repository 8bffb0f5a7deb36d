"""outbox doorbell: PostgreSQL notifies the relay when an event is committed

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:45:00
"""

from alembic import op

from shared.messaging.pg_wakeup import drop_outbox_trigger, install_outbox_trigger

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    install_outbox_trigger(op, "notifications")


def downgrade() -> None:
    drop_outbox_trigger(op, "notifications")
