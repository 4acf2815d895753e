"""settings an admin edits once, Panel reports kept as drafted and as sent, withdrawn
updates, and scrutiny and partnership meetings

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 22:30:00

Issue #19. `setting`: one JSON value per key (the office's letterhead, the target
interval between meetings per designation). `panel_report_draft`: a report's period, report
date and Panel date, the wording staff changed, and once sent to the Panel its Word and
PDF files exactly as sent. `ward_update` may be 'withdrawn' (with who and when).
`meeting.kind` also takes 'scrutiny' and 'partnership', the "Other Meetings" of the
Panel report.

Two CHECK constraints are widened. On SQLite they are table constraints, and a batch
rebuild of `meeting` would drop the rollup and link-column triggers of 0007 and 0008 (see
0013): the constraint's text is replaced in place instead (writable_schema, then a new
schema_version), which is safe because every stored row already satisfies both the old
and the new condition. Downgrading narrows them again and refuses while rows use the
new values. `withdrawn_by` keeps its '' default on both engines, so a loader that names
the older columns only (bench/dataset.py's COPY) still writes rows.
"""

import sqlalchemy as sa
from alembic import context, op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('your_force_your_voice', 'residents_association', 'pact', 'partner_event', 'school_youth')"
NEW_KINDS = (
    "kind IN ('your_force_your_voice', 'residents_association', 'pact', 'partner_event', 'school_youth', "
    "'scrutiny', 'partnership')"
)
OLD_STATES = "state IN ('draft', 'published')"
NEW_STATES = "state IN ('draft', 'published', 'withdrawn')"

CHECKS = (
    ("meeting", "ck_meeting_kind_known", OLD_KINDS, NEW_KINDS),
    ("ward_update", "ck_ward_update_state_known", OLD_STATES, NEW_STATES),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _replace_check_sqlite(table: str, name: str, old: str, new: str) -> None:
    if context.is_offline_mode():
        raise RuntimeError("0014 edits SQLite's schema in place: run it online")
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    before, after = f"CONSTRAINT {name} CHECK ({old})", f"CONSTRAINT {name} CHECK ({new})"
    if before not in sql:
        raise RuntimeError(f"{table}'s CREATE TABLE does not hold {before}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql.replace(before, after), table)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    bind.exec_driver_sql(f"SELECT * FROM {table} LIMIT 0")  # the new text parses, or this fails


def _replace_check(table: str, name: str, old: str, new: str) -> None:
    if _sqlite():
        _replace_check_sqlite(table, name, old, new)
    else:
        op.drop_constraint(op.f(name), table, type_="check")
        op.create_check_constraint(op.f(name), table, new)


def upgrade():
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "panel_report_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=False),
        sa.Column("panel_date", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("wording", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=254), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by", sa.String(length=254), nullable=False),
        sa.Column("sent_docx", sa.LargeBinary(), nullable=True),
        sa.Column("sent_pdf", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_panel_report_draft_period_ordered")),
        sa.CheckConstraint("source IN ('real', 'demo')", name=op.f("ck_panel_report_draft_source_known")),
        sa.CheckConstraint(
            "sent_at IS NULL OR (sent_docx IS NOT NULL AND sent_pdf IS NOT NULL)",
            name=op.f("ck_panel_report_draft_sent_keeps_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_report_draft")),
        sa.UniqueConstraint(
            "period_start", "period_end", "report_date", "source", name="uq_panel_report_draft_period_date"
        ),
    )
    if _sqlite():
        op.execute("ALTER TABLE ward_update ADD COLUMN withdrawn_at DATETIME")
        op.execute("ALTER TABLE ward_update ADD COLUMN withdrawn_by VARCHAR(254) NOT NULL DEFAULT ''")
    else:
        op.add_column("ward_update", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column(
            "ward_update", sa.Column("withdrawn_by", sa.String(length=254), nullable=False, server_default="")
        )
    for table, name, old, new in CHECKS:
        _replace_check(table, name, old, new)


def downgrade():
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT count(*) FROM meeting WHERE kind IN ('scrutiny', 'partnership')").scalar():
        raise RuntimeError("meetings of kind scrutiny or partnership are stored: 0013 cannot hold them")
    if bind.exec_driver_sql("SELECT count(*) FROM ward_update WHERE state = 'withdrawn'").scalar():
        raise RuntimeError("withdrawn updates are stored: 0013 cannot hold them")
    for table, name, old, new in CHECKS:
        _replace_check(table, name, new, old)
    if _sqlite():
        op.execute("ALTER TABLE ward_update DROP COLUMN withdrawn_by")
        op.execute("ALTER TABLE ward_update DROP COLUMN withdrawn_at")
    else:
        op.drop_column("ward_update", "withdrawn_by")
        op.drop_column("ward_update", "withdrawn_at")
    op.drop_table("panel_report_draft")
    op.drop_table("setting")
