"""consent records: the network's privacy text in versions, and the version each consent was given to

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 00:40:00
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_texts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("network_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.String(320), nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("network_id", "version", name="uq_privacy_text_version"),
    )
    op.create_index("ix_privacy_texts_network_id", "privacy_texts", ["network_id"])
    # Consents given before this release name no version: they stay NULL ("not recorded").
    for table in ("responses", "students", "alert_subscriptions"):
        op.add_column(table, sa.Column("consent_version", sa.Integer(), nullable=True))
    op.add_column("alert_subscriptions", sa.Column("consent_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert_subscriptions") as batch:
        batch.drop_column("consent_at")
        batch.drop_column("consent_version")
    for table in ("responses", "students"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("consent_version")
    op.drop_index("ix_privacy_texts_network_id", "privacy_texts")
    op.drop_table("privacy_texts")
