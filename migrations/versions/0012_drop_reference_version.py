"""drop reference_version and its triggers: nothing reads them any more

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 09:00:00

Issue #17: the per-process cache of routing's reference data (engage/services/reference.py)
is gone; capture and routing ask the database directly. The stamp it checked
(`reference_version`, 0006) and the triggers that changed it on every write to the
reference tables only cost writes now. The downgrade makes them again as 0006 did.
"""

import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# As in 0006_reference_version.py.
TABLES = ("category", "boundary_set", "ward", "team", "team_ward", "routing_rule", "routing_rule_copy")

BUMP_POSTGRESQL = """
CREATE OR REPLACE FUNCTION bump_reference_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reference_version SET changes = changes + 1, stamp = replace(gen_random_uuid()::text, '-', '')
    WHERE id = 1;
    RETURN NULL;
END
$$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS bump_reference_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_reference_version()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS bump_reference_version_{table}_{event}")
    op.drop_table("reference_version")


def downgrade():
    table = op.create_table(
        "reference_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.BigInteger(), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_reference_version_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_version")),
    )
    op.bulk_insert(table, [{"id": 1, "changes": 0, "stamp": uuid.uuid4().hex}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BUMP_POSTGRESQL)
        for name in TABLES:
            op.execute(
                f"CREATE TRIGGER bump_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {name} FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version()"
            )
    else:
        for name in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(
                    f"CREATE TRIGGER bump_reference_version_{name}_{event} AFTER {event.upper()} ON {name} "
                    "BEGIN UPDATE reference_version SET changes = changes + 1, "
                    "stamp = lower(hex(randomblob(16))) WHERE id = 1; END"
                )
