"""a concern's owner and due date, their history, and each category's target in days

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 09:00:00

Issue #18: the lead team says who in it owns a concern and when it is due; the inbox
filters "mine", "unassigned" and "overdue" and sorts by due date. `concern.owner_id`
(a user, SET NULL when the account goes) and `concern.due_date`; `category.target_days`
(whole days, > 0; none: no target) gives a new concern's default due date;
`concern_assignment` keeps each setting of owner and due date, by whom and when.

Three indexes, in the spirit of 0008/0009 (each costs every concern insert):
(owner_id, status, raised_at) for "mine" and "unassigned" per status, newest first, and
the foreign key; (status, due_date) and (lead_team_id, status, due_date) for "overdue"
and the due-date order, across everything and in a team's inbox.

On SQLite the columns are added with plain ALTER TABLE ... ADD COLUMN: batch mode would
rebuild concern, dropping the rollup and link-column triggers of 0007 and 0008, and (with
foreign keys on, as they are inside the migration's transaction) deleting every row that
cascades from a concern. The CHECK goes on the column. The foreign key is written as a
table constraint, as CREATE TABLE writes the others, by SQLite's documented in-place
schema edit (writable_schema, then a new schema_version): a key written on the column
would work the same, but SQLAlchemy reads neither its name nor its ON DELETE back, so
autogenerate would forever propose to make it again. The edit is safe here, where SQLite
warns of it elsewhere, because the column is new and every row holds NULL in it.
"""

import sqlalchemy as sa
from alembic import context, op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_concern_owner_status_raised", ["owner_id", "status", "raised_at"]),
    ("ix_concern_status_due", ["status", "due_date"]),
    ("ix_concern_lead_team_status_due", ["lead_team_id", "status", "due_date"]),
)


OWNER_KEY = (
    "CONSTRAINT fk_concern_owner_id_user_account FOREIGN KEY(owner_id) REFERENCES user_account (id) ON DELETE SET NULL"
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _edit_concern_table_sql(edit):
    """SQLite: CREATE TABLE concern's text as `edit` makes it, in place (see above)."""
    if context.is_offline_mode():
        raise RuntimeError("0013 edits SQLite's schema in place: run it online")
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'concern'").scalar()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'concern'", (edit(sql),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    bind.exec_driver_sql("SELECT owner_id FROM concern LIMIT 0")  # the new text parses, or this fails


def _with_owner_key(sql: str) -> str:
    body = sql.rstrip()
    if not body.endswith(")") or OWNER_KEY in body:
        raise RuntimeError("concern's CREATE TABLE is not as 0012 left it")
    return f"{body[:-1].rstrip()}, {OWNER_KEY})"


def _without_owner_key(sql: str) -> str:
    if f", {OWNER_KEY}" not in sql:
        raise RuntimeError("concern's CREATE TABLE has no owner key to take off")
    return sql.replace(f", {OWNER_KEY}", "")


def upgrade():
    if _sqlite():
        op.execute("ALTER TABLE concern ADD COLUMN owner_id INTEGER")
        _edit_concern_table_sql(_with_owner_key)
        op.execute("ALTER TABLE concern ADD COLUMN due_date DATE")
        op.execute(
            "ALTER TABLE category ADD COLUMN target_days INTEGER "
            "CONSTRAINT ck_category_target_days_positive CHECK (target_days > 0)"
        )
    else:
        op.add_column("concern", sa.Column("owner_id", sa.Integer(), nullable=True))
        op.add_column("concern", sa.Column("due_date", sa.Date(), nullable=True))
        op.create_foreign_key(
            op.f("fk_concern_owner_id_user_account"),
            "concern",
            "user_account",
            ["owner_id"],
            ["id"],
            ondelete="SET NULL",
        )
        op.add_column("category", sa.Column("target_days", sa.Integer(), nullable=True))
        op.create_check_constraint(op.f("ck_category_target_days_positive"), "category", "target_days > 0")
    for name, columns in INDEXES:
        op.create_index(name, "concern", columns, unique=False)

    op.create_table(
        "concern_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(length=254), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concern.id"], name=op.f("fk_concern_assignment_concern_id_concern"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_concern_assignment_owner_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_assignment")),
    )
    op.create_index(op.f("ix_concern_assignment_concern_id"), "concern_assignment", ["concern_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_concern_assignment_concern_id"), table_name="concern_assignment")
    op.drop_table("concern_assignment")
    for name, _columns in INDEXES:
        op.drop_index(name, table_name="concern")
    if _sqlite():
        _edit_concern_table_sql(_without_owner_key)
        for table, column in (("category", "target_days"), ("concern", "due_date"), ("concern", "owner_id")):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_constraint(op.f("ck_category_target_days_positive"), "category", type_="check")
        op.drop_column("category", "target_days")
        op.drop_constraint(op.f("fk_concern_owner_id_user_account"), "concern", type_="foreignkey")
        op.drop_column("concern", "due_date")
        op.drop_column("concern", "owner_id")
