"""The e-mail outbox: one row per message, written in the same transaction as its cause."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.platform.db import UTCDateTime, one_of, utcnow

# 'withdrawn': the concern was undone by the officer before the e-mail went (kept for the record).
OUTBOX_STATES = ("pending", "sending", "sent", "failed", "digest", "folded", "withdrawn")


class OutboxMessage(db.Model):
    """An e-mail written in the same transaction as what caused it, sent by the
    worker (`flask outbox send`). See docs/notifications.md for the guarantee."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.CheckConstraint(one_of("state", OUTBOX_STATES), name="state_known"),
        sa.Index("ix_outbox_due", "state", "next_attempt_at"),
        # The outbox newest first, all of it or in one state (0008).
        sa.Index("ix_outbox_message_created_at", "created_at"),
        sa.Index("ix_outbox_message_state_created_at", "state", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    team_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("team.id", ondelete="SET NULL"), index=True)
    concern_id: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("concern.id", ondelete="SET NULL"), index=True)
    recipient: so.Mapped[str] = so.mapped_column(sa.String(254))
    subject: so.Mapped[str] = so.mapped_column(sa.String(255))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    # Stable across retries, so a copy that slipped through twice is recognisable.
    message_id: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    state: so.Mapped[str] = so.mapped_column(sa.String(16), default="pending")
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    claimed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    last_error: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    team = so.relationship("Team")
    # Relationships (not bare ids) so a new concern is inserted before its messages.
    concern = so.relationship("Concern")
