"""The audit trail: append-only (the database refuses UPDATE and DELETE on it)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.models.base import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        sa.CheckConstraint("action IN ('create', 'update', 'delete')", name="action_known"),
        sa.Index("ix_audit_event_entity", "entity", "entity_id"),
        # The trail by record type and by who, newest first (0008).
        sa.Index("ix_audit_event_entity_at", "entity", "at"),
        sa.Index("ix_audit_event_actor_at", "actor", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    # No foreign key, and the actor kept as text too: the trail must outlive the
    # account that acted, and a cascade would have to UPDATE an append-only table.
    actor_id: so.Mapped[int | None] = so.mapped_column(index=True)
    actor: so.Mapped[str] = so.mapped_column(sa.String(254))
    action: so.Mapped[str] = so.mapped_column(sa.String(16))
    entity: so.Mapped[str] = so.mapped_column(sa.String(40))
    entity_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    label: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    # {"field": [old, new], ...}
    changes: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
