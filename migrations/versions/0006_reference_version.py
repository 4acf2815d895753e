"""reference version: a stamp that changes with any change to routing's reference data

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 11:00:00.000000

Each app process caches what a new concern needs (categories, the current boundary set
and its wards, teams and the wards they cover, routing rules) and checks one row per
request instead of reading them all again: `engage/services/reference.py`.

Triggers, not application code, change the stamp, so no way of writing those tables
(the ORM, bulk statements, another process, psql) can leave a stale cache. The stamp is
random rather than a counter: a rolled-back change cannot hand a number back for a
different change to reuse. `changes` only counts, for people reading the table.

SQLite drops a table's triggers when a batch migration rebuilds the table: a later
migration that uses `batch_alter_table` on one of TABLES must create its triggers again
(the SQL is below). tests/test_services/test_reference.py fails if one is missing at head.
"""

import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# What engage/services/reference.py reads: keep the two lists the same.
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


def create_triggers(op, tables=TABLES):
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(BUMP_POSTGRESQL)
        for table in tables:
            op.execute(f"DROP TRIGGER IF EXISTS bump_reference_version ON {table}")
            op.execute(
                f"CREATE TRIGGER bump_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version()"
            )
    else:
        # SQLite has row triggers only: a bulk change bumps once per row, which is harmless.
        for table in tables:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS bump_reference_version_{table}_{event}")
                op.execute(
                    f"CREATE TRIGGER bump_reference_version_{table}_{event} AFTER {event.upper()} ON {table} "
                    "BEGIN UPDATE reference_version SET changes = changes + 1, "
                    "stamp = lower(hex(randomblob(16))) WHERE id = 1; END"
                )


def drop_triggers(op, tables=TABLES):
    if op.get_bind().dialect.name == "postgresql":
        for table in tables:
            op.execute(f"DROP TRIGGER IF EXISTS bump_reference_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_reference_version()")
    else:
        for table in tables:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS bump_reference_version_{table}_{event}")


def upgrade():
    table = op.create_table(
        "reference_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.BigInteger(), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_reference_version_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_version")),
    )
    op.bulk_insert(table, [{"id": 1, "changes": 0, "stamp": uuid.uuid4().hex}])
    create_triggers(op)


def downgrade():
    drop_triggers(op)
    op.drop_table("reference_version")
