"""dead letters hold poisoned messages: the queue they came from and their raw bytes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 02:30:00
"""

from alembic import op

from shared.messaging.deadletters import add_poison_columns, drop_poison_columns

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_poison_columns(op)


def downgrade() -> None:
    drop_poison_columns(op)
