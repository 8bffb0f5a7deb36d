"""one response per person and vacancy: e-mail addresses lower-case, repeats removed, a unique key

A volunteer responds to a vacancy once. Before this revision a repeated (or simultaneous) response
was stored again and referred again. Existing repeats are removed, keeping each person's first
response to a vacancy (the one the organisations acted on first); the addresses are stored
lower-case and without surrounding spaces, as the use case now stores them, so that
"Anne@Example.org" and "anne@example.org" are one person. The downgrade drops the key only: the
removed repeats do not come back.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

REPEATS = sa.text(
    "DELETE FROM responses WHERE id IN ("
    " SELECT id FROM ("
    "  SELECT id, ROW_NUMBER() OVER (PARTITION BY vacancy_id, email ORDER BY created_at, id) AS n"
    "  FROM responses"
    " ) ranked WHERE n > 1"
    ")"
)


def upgrade() -> None:
    connection = op.get_bind()
    # In Python, as the use case does it: SQLite's LOWER() knows only ASCII letters.
    for response_id, email in connection.execute(sa.text("SELECT id, email FROM responses")).all():
        if email != email.strip().lower():
            connection.execute(
                sa.text("UPDATE responses SET email = :email WHERE id = :id"),
                {"email": email.strip().lower(), "id": response_id},
            )
    op.execute(REPEATS)
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_response_per_person", ["vacancy_id", "email"])


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_constraint("uq_response_per_person", type_="unique")
