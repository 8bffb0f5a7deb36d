"""redemptions without foreign keys to offers and partners; offers and partners are never deleted

Checking those foreign keys share-locked the offer's and the partner's row on every redemption, and
concurrent redemptions of one offer shared the locks through MultiXacts (see models.Redemption).
Instead the database refuses to delete an offer or a partner (an offer is withdrawn).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 19:15:00
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NEVER_DELETED = {"offers": "an offer is withdrawn, not deleted", "discount_partners": "partners are kept"}
# SQLite's foreign keys have no names; batch mode names them by this convention to drop them.
SQLITE_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("redemptions_offer_id_fkey", "redemptions", type_="foreignkey")
        op.drop_constraint("redemptions_partner_id_fkey", "redemptions", type_="foreignkey")
        op.execute(
            "CREATE OR REPLACE FUNCTION knoop_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'rows of % are never deleted: %', TG_TABLE_NAME, TG_ARGV[0]; END $$"
        )
        for table, why in NEVER_DELETED.items():
            op.execute(
                f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION knoop_never_deleted('{why}')"
            )
        return
    with op.batch_alter_table("redemptions", naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint("fk_redemptions_offer_id_offers", type_="foreignkey")
        batch_op.drop_constraint("fk_redemptions_partner_id_discount_partners", type_="foreignkey")
    for table, why in NEVER_DELETED.items():
        op.execute(
            f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'rows of {table} are never deleted: {why}'); END"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in NEVER_DELETED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_never_deleted" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS knoop_never_deleted()")
    # Named as upgrade() finds them again: PostgreSQL's own names, SQLite's by the convention.
    offer_fk, partner_fk = (
        ("redemptions_offer_id_fkey", "redemptions_partner_id_fkey")
        if postgresql
        else ("fk_redemptions_offer_id_offers", "fk_redemptions_partner_id_discount_partners")
    )
    with op.batch_alter_table("redemptions") as batch_op:
        batch_op.create_foreign_key(offer_fk, "offers", ["offer_id"], ["id"])
        batch_op.create_foreign_key(partner_fk, "discount_partners", ["partner_id"], ["id"])
