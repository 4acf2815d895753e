"""scale indexes: what the inbox, the audit trail, the outbox and meeting lists need at a million concerns

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 14:00:00

Each index lets a page read the rows it shows (newest first, stopping after a page) or
count up to engage.platform.paging.COUNT_LIMIT along an index, instead of sorting or
counting every matching row. bench/scale.py measures every page; docs/benchmarks.md
("Scale") says which page needs which.

Two link tables get copies of what is read through them, kept by triggers:
- concern_copy the concern's status and raised_at, so that a partner team's inbox (the
  concerns copied to it) is read and counted along (team_id, status, raised_at) instead
  of looking up every concern ever copied to the team;
- meeting_ward the meeting's date, status, kind and is_demo, so that a ward's last and
  next meetings (coverage, the ward pages) are one probe of (ward_id, status, date)
  instead of a look at every meeting the ward ever had.
The triggers fill them on insert and follow every change to those columns of the
concern or meeting, whatever makes it (the ORM, bulk SQL, psql). The models do not list
these columns (code reading the link tables whole sees what it always saw): the queries
that use them name them in engage/concerns/link_columns.py. The SQL is written out
here, not imported, so this migration stays as it was. On SQLite, a later migration that
rebuilds concern, meeting or either link table (batch_alter_table) drops these triggers
and must create them again; tests/test_services/test_scale_queries.py fails if they are
missing.

Plain CREATE INDEX and ADD COLUMN on both engines: no table is rebuilt, so the rollup and
reference triggers of 0006 and 0007 stay in place. On PostgreSQL, building the indexes
on a table of a million concerns takes seconds and holds off writes to it meanwhile.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = (
    # The inbox: per status (and per ward, category or lead team) newest first, and
    # counted per status without reading the concerns themselves.
    ("ix_concern_status_raised", "concern", ["status", "raised_at"]),
    ("ix_concern_ward_status_raised", "concern", ["ward_id", "status", "raised_at"]),
    ("ix_concern_category_status_raised", "concern", ["category_id", "status", "raised_at"]),
    # An inspector's inbox (concerns their team leads) and the triage queue (no lead
    # team), newest first per status and counted per status; also by ward or category.
    ("ix_concern_lead_team_status_raised", "concern", ["lead_team_id", "status", "raised_at"]),
    ("ix_concern_lead_team_ward_status_raised", "concern", ["lead_team_id", "ward_id", "status", "raised_at"]),
    ("ix_concern_lead_team_category_status_raised", "concern", ["lead_team_id", "category_id", "status", "raised_at"]),
    # Concerns copied to a team (a partner's inbox), the same way.
    ("ix_concern_copy_team_status_raised", "concern_copy", ["team_id", "status", "raised_at"]),
    # A ward's meetings held up to a day or planned from a day, in date order.
    ("ix_meeting_ward_ward_status_date", "meeting_ward", ["ward_id", "status", "date"]),
    # Planned meetings from today and held meetings up to a day, in date order
    # (coverage, ward pages, the public ward page's next meeting).
    ("ix_meeting_status_date", "meeting", ["status", "date"]),
    # The audit trail filtered by record type, and by who: distinct actors are found
    # by skipping through this index, then their events read newest first.
    ("ix_audit_event_entity_at", "audit_event", ["entity", "at"]),
    ("ix_audit_event_actor_at", "audit_event", ["actor", "at"]),
    # The outbox newest first, all of it or in one state.
    ("ix_outbox_message_created_at", "outbox_message", ["created_at"]),
    ("ix_outbox_message_state_created_at", "outbox_message", ["state", "created_at"]),
)

POSTGRESQL_TRIGGERS = (
    """CREATE FUNCTION concern_copy_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT c.status, c.raised_at INTO NEW.status, NEW.raised_at FROM concern c WHERE c.id = NEW.concern_id;
    RETURN NEW;
END $$""",
    "CREATE TRIGGER concern_copy_fill BEFORE INSERT OR UPDATE OF concern_id ON concern_copy "
    "FOR EACH ROW EXECUTE FUNCTION concern_copy_fill()",
    """CREATE FUNCTION concern_copy_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE concern_copy SET status = NEW.status, raised_at = NEW.raised_at WHERE concern_id = NEW.id;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER concern_copy_follow AFTER UPDATE OF status, raised_at ON concern FOR EACH ROW "
    "WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.raised_at IS DISTINCT FROM NEW.raised_at) "
    "EXECUTE FUNCTION concern_copy_follow()",
    """CREATE FUNCTION meeting_ward_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT m.date, m.status, m.kind, m.is_demo INTO NEW.date, NEW.status, NEW.kind, NEW.is_demo
    FROM meeting m WHERE m.id = NEW.meeting_id;
    RETURN NEW;
END $$""",
    "CREATE TRIGGER meeting_ward_fill BEFORE INSERT OR UPDATE OF meeting_id ON meeting_ward "
    "FOR EACH ROW EXECUTE FUNCTION meeting_ward_fill()",
    """CREATE FUNCTION meeting_ward_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE meeting_ward SET date = NEW.date, status = NEW.status, kind = NEW.kind, is_demo = NEW.is_demo
    WHERE meeting_id = NEW.id;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER meeting_ward_follow AFTER UPDATE OF date, status, kind, is_demo ON meeting FOR EACH ROW "
    "WHEN (OLD.date IS DISTINCT FROM NEW.date OR OLD.status IS DISTINCT FROM NEW.status "
    "OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.is_demo IS DISTINCT FROM NEW.is_demo) "
    "EXECUTE FUNCTION meeting_ward_follow()",
)
SQLITE_TRIGGERS = (
    """CREATE TRIGGER concern_copy_fill AFTER INSERT ON concern_copy BEGIN
    UPDATE concern_copy SET status = (SELECT status FROM concern WHERE id = NEW.concern_id),
                            raised_at = (SELECT raised_at FROM concern WHERE id = NEW.concern_id)
    WHERE concern_id = NEW.concern_id AND team_id = NEW.team_id;
END""",
    """CREATE TRIGGER concern_copy_follow AFTER UPDATE OF status, raised_at ON concern
WHEN OLD.status IS NOT NEW.status OR OLD.raised_at IS NOT NEW.raised_at BEGIN
    UPDATE concern_copy SET status = NEW.status, raised_at = NEW.raised_at WHERE concern_id = NEW.id;
END""",
    """CREATE TRIGGER meeting_ward_fill AFTER INSERT ON meeting_ward BEGIN
    UPDATE meeting_ward SET date = (SELECT date FROM meeting WHERE id = NEW.meeting_id),
                            status = (SELECT status FROM meeting WHERE id = NEW.meeting_id),
                            kind = (SELECT kind FROM meeting WHERE id = NEW.meeting_id),
                            is_demo = (SELECT is_demo FROM meeting WHERE id = NEW.meeting_id)
    WHERE meeting_id = NEW.meeting_id AND ward_id = NEW.ward_id;
END""",
    """CREATE TRIGGER meeting_ward_follow AFTER UPDATE OF date, status, kind, is_demo ON meeting
WHEN OLD.date IS NOT NEW.date OR OLD.status IS NOT NEW.status OR OLD.kind IS NOT NEW.kind
    OR OLD.is_demo IS NOT NEW.is_demo BEGIN
    UPDATE meeting_ward SET date = NEW.date, status = NEW.status, kind = NEW.kind, is_demo = NEW.is_demo
    WHERE meeting_id = NEW.id;
END""",
)
TRIGGERS = {
    "concern_copy": ("concern_copy_fill",),
    "concern": ("concern_copy_follow",),
    "meeting_ward": ("meeting_ward_fill",),
    "meeting": ("meeting_ward_follow",),
}


def upgrade():
    op.add_column("concern_copy", sa.Column("status", sa.String(length=16), nullable=True))
    op.add_column("concern_copy", sa.Column("raised_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE concern_copy SET status = (SELECT status FROM concern WHERE concern.id = concern_copy.concern_id), "
        "raised_at = (SELECT raised_at FROM concern WHERE concern.id = concern_copy.concern_id)"
    )
    op.add_column("meeting_ward", sa.Column("date", sa.Date(), nullable=True))
    op.add_column("meeting_ward", sa.Column("status", sa.String(length=16), nullable=True))
    op.add_column("meeting_ward", sa.Column("kind", sa.String(length=32), nullable=True))
    op.add_column("meeting_ward", sa.Column("is_demo", sa.Boolean(), nullable=True))
    op.execute(
        "UPDATE meeting_ward SET "
        + ", ".join(
            f"{c} = (SELECT {c} FROM meeting WHERE meeting.id = meeting_ward.meeting_id)"
            for c in ("date", "status", "kind", "is_demo")
        )
    )
    pg = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL_TRIGGERS if pg else SQLITE_TRIGGERS:
        op.execute(statement)
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    pg = op.get_bind().dialect.name == "postgresql"
    for table, names in TRIGGERS.items():
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}" if pg else f"DROP TRIGGER IF EXISTS {name}")
            if pg:
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    # Plain DROP COLUMN (SQLite 3.35 and later), not batch_alter_table: rebuilding
    # meeting_ward on SQLite would drop the rollup triggers of 0007 on it.
    for table, column in (
        ("meeting_ward", "is_demo"),
        ("meeting_ward", "kind"),
        ("meeting_ward", "status"),
        ("meeting_ward", "date"),
        ("concern_copy", "raised_at"),
        ("concern_copy", "status"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
