"""a partner may pause an offer; the coordinator may remove a partner

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 10:00:00

`offers.paused_at`: a paused offer stays the partner's but cannot be redeemed until it is resumed.
`discount_partners.removed_at`: a removed partner's offers ended and its till keys were revoked; its
redemptions stay in the figures (rows of both tables are never deleted, see 0005). Plain ADD and
DROP COLUMN on both databases: batch mode would rebuild SQLite's tables and lose their triggers.
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("offers", sa.Column("paused_at", shared.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column(
        "discount_partners", sa.Column("removed_at", shared.db.UTCDateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("discount_partners", "removed_at")
    op.drop_column("offers", "paused_at")
