"""residents' comments on a concern and photos, from Open311

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 07:13:24

Issue #23. `concern_resident_update`: a resident's comment on a concern passed on by a
FixMyStreet site (POST servicerequestupdates), one per site comment id and concern, so a
resend stores nothing new; no names or e-mail addresses. `concern_media`: a photo sent
with a request or a comment, re-encoded and stored as bytes (a backup of the database
holds it; deleting the concern deletes it), or the address of one, kept as text and
never fetched.

All new tables: SQLite needs no batch rebuild of an existing one.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "concern_resident_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status_given", sa.String(length=40), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("source IN ('open311')", name=op.f("ck_concern_resident_update_source_known")),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["concern.id"],
            name=op.f("fk_concern_resident_update_concern_id_concern"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["user_account.id"],
            name=op.f("fk_concern_resident_update_sent_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_resident_update")),
        sa.UniqueConstraint("source", "concern_id", "external_id", name="uq_concern_resident_update_external_id"),
    )
    with op.batch_alter_table("concern_resident_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concern_resident_update_concern_id"), ["concern_id"], unique=False)

    op.create_table(
        "concern_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.String(length=36), nullable=False),
        sa.Column("resident_update_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'photo' AND data IS NOT NULL AND url IS NULL) "
            "OR (kind = 'link' AND url IS NOT NULL AND data IS NULL)",
            name=op.f("ck_concern_media_photo_or_link"),
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concern.id"], name=op.f("fk_concern_media_concern_id_concern"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resident_update_id"],
            ["concern_resident_update.id"],
            name=op.f("fk_concern_media_resident_update_id_concern_resident_update"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_media")),
    )
    with op.batch_alter_table("concern_media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concern_media_concern_id"), ["concern_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_concern_media_resident_update_id"), ["resident_update_id"], unique=False)


def downgrade():
    with op.batch_alter_table("concern_media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_media_resident_update_id"))
        batch_op.drop_index(batch_op.f("ix_concern_media_concern_id"))
    op.drop_table("concern_media")
    with op.batch_alter_table("concern_resident_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_resident_update_concern_id"))
    op.drop_table("concern_resident_update")
