"""addresses erased in a network, as keyed digests: later messages to or about them are not sent

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 01:40:00
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erased_addresses",
        sa.Column("network_id", sa.String(length=36), primary_key=True),
        sa.Column("digest", sa.String(length=64), primary_key=True),
        sa.Column("erased_at", UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("erased_addresses")
