"""registry back office: the network's language, members editing their own profile, uploaded logos

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 06:05:00
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("networks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=False, server_default="nl"))
        batch_op.add_column(
            sa.Column("members_edit_profile", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "network_logos",
        sa.Column("network_id", sa.String(length=36), sa.ForeignKey("networks.id"), primary_key=True),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("network_logos")
    with op.batch_alter_table("networks", schema=None) as batch_op:
        batch_op.drop_column("members_edit_profile")
        batch_op.drop_column("language")
