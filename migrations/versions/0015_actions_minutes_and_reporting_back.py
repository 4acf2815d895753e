"""actions with owners and due dates, the agenda and minutes of partnership and scrutiny
meetings, and concerns reported back at the next meeting

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 04:40:00

Issue #21. `action` (a title, an owner: a user, a team or a name as minuted; a due date;
open, done or dropped with a reason; from a concern or an agenda item) and its history
`action_update`. `agenda_item` (numbered per meeting, with a presenter and the item's
minutes) and `meeting_attendee` (present or apologies, with their organisation).
`meeting.series` links a partnership meeting to the previous one of its series, whose
open actions it carries; `meeting.minutes_approved_at` and `_by` record the approval.
`report_back`: a concern read back at a later meeting and how residents judged it, with
the id the phone gave the mark.

The columns on `meeting` are added with plain ALTER TABLE ... ADD COLUMN on SQLite, as
0013 explains: a batch rebuild would drop the triggers of 0007 and 0008. None of them
has a foreign key, so no schema edit is needed.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("meeting", sa.Column("series", sa.String(length=120), nullable=True))
    op.add_column("meeting", sa.Column("minutes_approved_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("meeting", sa.Column("minutes_approved_by", sa.String(length=254), server_default="", nullable=False))
    op.create_index(op.f("ix_meeting_series"), "meeting", ["series"], unique=False)

    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), server_default="item", nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("presenter", sa.String(length=200), server_default="", nullable=False),
        sa.Column("discussion", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_agenda_item_number_positive")),
        sa.CheckConstraint(
            "kind IN ('item', 'previous_notes', 'previous_actions')", name=op.f("ck_agenda_item_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_agenda_item_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
        sa.UniqueConstraint("meeting_id", "number", name="uq_agenda_item_meeting_number"),
    )

    op.create_table(
        "meeting_attendee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), server_default="", nullable=False),
        sa.Column("attendance", sa.String(length=16), server_default="present", nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("attendance IN ('present', 'apologies')", name=op.f("ck_meeting_attendee_attendance_known")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_attendee_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendee")),
    )
    op.create_index(op.f("ix_meeting_attendee_meeting_id"), "meeting_attendee", ["meeting_id"], unique=False)

    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("owner_team_id", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=254), server_default="", nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("dropped_reason", sa.Text(), server_default="", nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("concern_id", sa.String(length=36), nullable=True),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=254), server_default="", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'done', 'dropped')", name=op.f("ck_action_status_known")),
        sa.CheckConstraint(
            "owner_user_id IS NOT NULL OR owner_team_id IS NOT NULL OR owner_name <> ''",
            name=op.f("ck_action_has_owner"),
        ),
        sa.CheckConstraint("concern_id IS NOT NULL OR agenda_item_id IS NOT NULL", name=op.f("ck_action_has_source")),
        sa.CheckConstraint("status <> 'dropped' OR dropped_reason <> ''", name=op.f("ck_action_dropped_has_reason")),
        sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name=op.f("ck_action_closed_when_not_open")),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_action_agenda_item_id_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concern.id"], name=op.f("fk_action_concern_id_concern"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_action_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_team_id"], ["team.id"], name=op.f("fk_action_owner_team_id_team"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"],
            ["user_account.id"],
            name=op.f("fk_action_owner_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
    )
    op.create_index(op.f("ix_action_agenda_item_id"), "action", ["agenda_item_id"], unique=False)
    op.create_index(op.f("ix_action_concern_id"), "action", ["concern_id"], unique=False)
    op.create_index(op.f("ix_action_is_demo"), "action", ["is_demo"], unique=False)
    op.create_index("ix_action_status_due", "action", ["status", "due_date"], unique=False)
    op.create_index("ix_action_owner_user_status_due", "action", ["owner_user_id", "status", "due_date"], unique=False)
    op.create_index("ix_action_owner_team_status_due", "action", ["owner_team_id", "status", "due_date"], unique=False)

    op.create_table(
        "action_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=254), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name=op.f("fk_action_update_action_id_action"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_update")),
    )
    op.create_index(op.f("ix_action_update_action_id"), "action_update", ["action_id"], unique=False)

    op.create_table(
        "report_back",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("concern_id", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.String(length=36), nullable=True),
        sa.Column("view", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.CheckConstraint("view IN ('satisfied', 'partly', 'not_satisfied')", name=op.f("ck_report_back_view_known")),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_report_back_actor_id_user_account"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concern.id"], name=op.f("fk_report_back_concern_id_concern"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_report_back_meeting_id_meeting"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_back")),
    )
    op.create_index("ix_report_back_concern_marked", "report_back", ["concern_id", "marked_at"], unique=False)
    op.create_index(op.f("ix_report_back_is_demo"), "report_back", ["is_demo"], unique=False)
    op.create_index(op.f("ix_report_back_meeting_id"), "report_back", ["meeting_id"], unique=False)


def downgrade():
    op.drop_table("report_back")
    op.drop_table("action_update")
    op.drop_table("action")
    op.drop_table("meeting_attendee")
    op.drop_table("agenda_item")
    op.drop_index(op.f("ix_meeting_series"), table_name="meeting")
    for column in ("minutes_approved_by", "minutes_approved_at", "series"):
        op.drop_column("meeting", column)
