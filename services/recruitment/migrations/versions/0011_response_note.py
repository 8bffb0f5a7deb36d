"""a note on a response: what the organisation agreed with the volunteer, or why it did not go on

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("responses", sa.Column("note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("note")
