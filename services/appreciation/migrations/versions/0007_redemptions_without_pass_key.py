"""redemptions without a foreign key to passes; passes are never deleted

Checking that key locked the pass's row (FOR KEY SHARE) on every redemption: a lock written into a
page of `passes` and the write-ahead log, about 60 µs of PostgreSQL's CPU per redemption at 16
at once. A redemption takes the pass's id from the pass it has just read, and a pass is revoked
or replaced, never deleted: now the database refuses to delete one, as it does for offers and
partners (0005).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 21:40:00
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

WHY = "a pass is revoked or replaced, not deleted"
# SQLite's foreign keys have no names; batch mode names them by this convention to drop them.
SQLITE_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("redemptions_pass_id_fkey", "redemptions", type_="foreignkey")
        op.execute(  # the function is 0005's
            "CREATE TRIGGER passes_never_deleted BEFORE DELETE ON passes "
            f"FOR EACH ROW EXECUTE FUNCTION knoop_never_deleted('{WHY}')"
        )
        return
    with op.batch_alter_table("redemptions", naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint("fk_redemptions_pass_id_passes", type_="foreignkey")
    op.execute(
        "CREATE TRIGGER passes_never_deleted BEFORE DELETE ON passes "
        f"BEGIN SELECT RAISE(ABORT, 'rows of passes are never deleted: {WHY}'); END"
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER IF EXISTS passes_never_deleted" + (" ON passes" if postgresql else ""))
    # Named as upgrade() finds it again: PostgreSQL's own name, SQLite's by the convention.
    name = "redemptions_pass_id_fkey" if postgresql else "fk_redemptions_pass_id_passes"
    with op.batch_alter_table("redemptions") as batch_op:
        batch_op.create_foreign_key(name, "passes", ["pass_id"], ["id"])
