"""The link tables with the columns migration 0008 adds to them: copies of the
concern's status and raised_at on concern_copy, and of the meeting's date, status,
kind and source on meeting_ward, kept by database triggers in the same transaction as
any change (nothing in Python writes them). They let a team's copies and a ward's
meetings be read in order along one index each.

Declared here, for the queries that need them, rather than on the models' tables, so
that code reading those tables whole (`select(concern_copy)`) sees what it always saw.
"""
import sqlalchemy as sa

copy_columns = sa.table(
    "concern_copy",
    sa.column("concern_id", sa.String(36)),
    sa.column("team_id", sa.Integer),
    sa.column("status", sa.String(16)),
    sa.column("raised_at", sa.DateTime(timezone=True)),
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
