"""nominations from a large CSV file: the job and its rows, worked through in chunks

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 10:00:00

A file with more rows than KNOOP_NOMINATION_INLINE_ROWS becomes a job: its rows are kept with the
job and nominated a chunk at a time by appreciation's own worker (`appreciation.continue_nominations`),
each row's outcome written beside it for the report.
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0011"
# Written beside 0010 (another branch of issue 18); chained after it when both are merged.
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nomination_imports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("started_by_role", sa.String(length=20), nullable=False),
        sa.Column("started_by_token", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("existing", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("network_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("nomination_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nomination_imports_network_id"), ["network_id"], unique=False)

    op.create_table(
        "nomination_import_rows",
        sa.Column("import_id", sa.String(length=36), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("overflow", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["nomination_imports.id"]),
        sa.PrimaryKeyConstraint("import_id", "line"),
    )


def downgrade() -> None:
    op.drop_table("nomination_import_rows")
    with op.batch_alter_table("nomination_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nomination_imports_network_id"))
    op.drop_table("nomination_imports")
