"""single use login links

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:05:00
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "used_login_links",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("used_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce"),
    )


def downgrade() -> None:
    op.drop_table("used_login_links")
