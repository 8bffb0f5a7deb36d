"""an offer's rules carry a version, read on every tap at the counter

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 19:00:00

A process remembers an offer's rules between redemptions (usecases/redemptions/redeem.py); the
per-tap query reads `offers.rules_version`, which every edit raises, so a process whose copy is
older reads the rules afresh at once instead of up to a minute later. Existing offers start at 1.
Plain ADD COLUMN on both databases: batch mode would rebuild SQLite's tables and lose their triggers.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("offers", sa.Column("rules_version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    op.drop_column("offers", "rules_version")
