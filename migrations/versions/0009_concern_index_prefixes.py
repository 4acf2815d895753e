"""concern indexes: drop the four that lead a composite, add lead team + ward + category

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 18:00:00

Every index on concern costs every concern insert (the capture endpoint's throughput,
docs/benchmarks.md "Capture"), and concern had 20. Four single-column indexes are the
leading column of a composite one, which serves the same lookups (equality and ranges
on that column, and the foreign-key checks when a category, user or team is deleted):

    ix_concern_category_id    ix_concern_category_status_raised (category_id, status, raised_at)
    ix_concern_created_by_id  ix_concern_created_by_raised (created_by_id, raised_at)
    ix_concern_lead_team_id   ix_concern_lead_team_status_raised (lead_team_id, status, raised_at)
    ix_concern_status         ix_concern_status_raised (status, raised_at)

They are dropped. One is added: (lead_team_id, ward_id, category_id, status, raised_at),
for an inspector's inbox filtered by ward and category together, which otherwise reads
the ward's concerns led by the team and checks each one's category (docs/benchmarks.md
"Scale"). Net: 17 indexes on concern, its primary key included (20 before).

Plain CREATE INDEX and DROP INDEX on both engines: no table is rebuilt, so the rollup,
reference and link-column triggers of 0006, 0007 and 0008 stay in place (on SQLite,
batch_alter_table would copy concern and drop them).
"""

import sqlalchemy as sa
from alembic import context, op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# (dropped index, its column, the composite that leads with that column)
PREFIXES = (
    ("ix_concern_category_id", "category_id", "ix_concern_category_status_raised"),
    ("ix_concern_created_by_id", "created_by_id", "ix_concern_created_by_raised"),
    ("ix_concern_lead_team_id", "lead_team_id", "ix_concern_lead_team_status_raised"),
    ("ix_concern_status", "status", "ix_concern_status_raised"),
)
ADDED = (
    "ix_concern_lead_team_ward_category_status_raised",
    ["lead_team_id", "ward_id", "category_id", "status", "raised_at"],
)


def upgrade():
    if not context.is_offline_mode():
        # Each composite must be there, leading with the column, before its prefix goes.
        leading = {ix["name"]: ix["column_names"][0] for ix in sa.inspect(op.get_bind()).get_indexes("concern")}
        for name, column, composite in PREFIXES:
            if leading.get(composite) != column:
                raise RuntimeError(f"{composite} missing or not led by {column}: {name} would be the only index on it")
    op.create_index(ADDED[0], "concern", ADDED[1], unique=False)
    for name, _column, _composite in PREFIXES:
        op.drop_index(name, table_name="concern")


def downgrade():
    for name, column, _composite in PREFIXES:
        op.create_index(name, "concern", [column], unique=False)
    op.drop_index(ADDED[0], table_name="concern")
