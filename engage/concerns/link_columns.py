"""The link tables with the columns migration 0008 adds to them: copies of the
concern's status and raised_at on concern_copy, and of the meeting's date, status,
kind and source on meeting_ward, kept by database triggers in the same transaction as
any change (nothing in Python writes them). They let a team's copies and a ward's
meetings be read in order along one index each.

Declared here, for the queries that need them, rather than on the models' tables, so
that code reading those tables whole (`select(concern_copy)`) sees what it always saw.
"""

import sqlalchemy as sa

from engage.platform.db import UTCDateTime

copy_columns = sa.table(
    "concern_copy",
    sa.column("concern_id", sa.String(36)),
    sa.column("team_id", sa.Integer),
    sa.column("status", sa.String(16)),
    sa.column("raised_at", UTCDateTime),
)

link_columns = sa.table(
    "meeting_ward",
    sa.column("meeting_id", sa.String(36)),
    sa.column("ward_id", sa.Integer),
    sa.column("date", sa.Date),
    sa.column("status", sa.String(16)),
    sa.column("kind", sa.String(32)),
    sa.column("is_demo", sa.Boolean),
)

# What migration 0008 adds to the link tables, left out of the models above: the
# columns, and the indexes on them (an index can only be declared on a table that
# declares its columns). Autogenerate (`flask db migrate`, migrations/env.py) and
# tests/test_migrations_match_models.py skip exactly these, so that comparing the
# models with a migrated database neither proposes dropping them nor misses anything else.
NOT_ON_THE_MODELS = {
    "column": {
        ("concern_copy", "status"),
        ("concern_copy", "raised_at"),
        ("meeting_ward", "date"),
        ("meeting_ward", "status"),
        ("meeting_ward", "kind"),
        ("meeting_ward", "is_demo"),
    },
    "index": {
        ("concern_copy", "ix_concern_copy_team_status_raised"),
        ("meeting_ward", "ix_meeting_ward_ward_status_date"),
    },
}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object hook: False for the database's copies of the columns
    above and their indexes, when they are found in the database and not the models."""
    if reflected and compare_to is None and type_ in NOT_ON_THE_MODELS:
        return (obj.table.name, name) not in NOT_ON_THE_MODELS[type_]
    return True
