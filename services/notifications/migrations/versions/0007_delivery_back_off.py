"""deliveries back off one by one: when to try next, how often claimed, whose lease

`attempts` counts from now on only the times a message was handed to the mail server; `claims`
counts every claim. Rows of the previous release keep their (claim-counting) attempts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 03:00:00
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("claims", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claim_token", sa.String(32), nullable=True))
        batch.create_index("ix_deliveries_due", ["status", "next_attempt_at"])


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("ix_deliveries_due")
        batch.drop_column("claim_token")
        batch.drop_column("next_attempt_at")
        batch.drop_column("claims")
