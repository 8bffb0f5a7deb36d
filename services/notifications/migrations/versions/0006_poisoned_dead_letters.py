"""dead letters hold poisoned messages: the queue they came from and their raw bytes

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 02:30:00
"""

from alembic import op

from shared.messaging.deadletters import add_poison_columns, drop_poison_columns

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_poison_columns(op)


def downgrade() -> None:
    drop_poison_columns(op)
