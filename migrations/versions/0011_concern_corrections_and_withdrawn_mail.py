"""concern corrections, and a 'withdrawn' state for e-mails of an undone concern

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 10:00:00

Issue #16, part B: nothing a team did is ever deleted. Once the lead team has acted on
a concern the officer can no longer undo or edit it, and adds a correction instead:
`concern_correction` holds them (text, author, when). A concern undone before the team
acted has its queued e-mails withdrawn rather than sent: `outbox_message.state` may now
be 'withdrawn'. On SQLite the CHECK constraint is changed by rebuilding outbox_message
(batch mode; it has no triggers); on PostgreSQL it is dropped and made again.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BEFORE = ("pending", "sending", "sent", "failed", "digest", "folded")
AFTER = BEFORE + ("withdrawn",)


def _states(states) -> str:
    return f"state IN ({', '.join(repr(s) for s in states)})"


def _outbox_states(states):
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_message_state_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_message_state_known"), _states(states))


def upgrade():
    op.create_table(
        "concern_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_concern_correction_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concern.id"], name=op.f("fk_concern_correction_concern_id_concern"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_correction")),
    )
    with op.batch_alter_table("concern_correction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concern_correction_concern_id"), ["concern_id"], unique=False)
    _outbox_states(AFTER)


def downgrade():
    # Never sent, and never to be: 'folded' is the older state that no worker sends or retries.
    op.execute("UPDATE outbox_message SET state = 'folded' WHERE state = 'withdrawn'")
    _outbox_states(BEFORE)
    with op.batch_alter_table("concern_correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_correction_concern_id"))
    op.drop_table("concern_correction")
