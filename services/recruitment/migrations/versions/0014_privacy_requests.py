"""a person's requests to see or erase their data, and each service's answer

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 01:00:00
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_requests",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("requested_by", sa.String(length=20), nullable=False),
        sa.Column("requested_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("network_id", sa.String(length=36), nullable=False),
    )
    op.create_index("ix_privacy_requests_email_digest", "privacy_requests", ["email_digest"])
    op.create_index("ix_privacy_requests_status", "privacy_requests", ["status"])
    op.create_index("ix_privacy_requests_network_id", "privacy_requests", ["network_id"])
    op.create_table(
        "privacy_request_parts",
        sa.Column("request_id", sa.String(length=36), sa.ForeignKey("privacy_requests.id"), primary_key=True),
        sa.Column("service", sa.String(length=20), primary_key=True),
        sa.Column("records", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("privacy_request_parts")
    op.drop_table("privacy_requests")
