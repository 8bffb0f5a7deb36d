"""outbox without NOTIFY: committing processes ring the relay through Redis again

A transaction that NOTIFYs holds one lock for the whole server through its commit, so every
transaction that wrote an event committed one after the other (see shared/messaging/pg_wakeup.py).
During a rolling deploy, web processes still on the old code neither notify nor ring: their
events go out with the relay's sweep (every 5 s) until they are replaced.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 21:00:00
"""

from alembic import op

from shared.messaging.pg_wakeup import drop_outbox_trigger, install_outbox_trigger

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    drop_outbox_trigger(op, "appreciation")


def downgrade() -> None:
    install_outbox_trigger(op, "appreciation")
