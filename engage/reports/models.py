""" "You said, we did": the update published for a ward and period."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.platform.db import UTCDateTime, utcnow


class WardUpdate(db.Model):
    """ "You said, we did" for one ward and period: drafted from the concerns, edited
    and published by staff. Only published text is ever shown to the public."""

    __tablename__ = "ward_update"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("state IN ('draft', 'published')", name="state_known"),
        sa.CheckConstraint("period_end >= period_start", name="period_ordered"),
        sa.UniqueConstraint("ward_id", "period_start", "period_end", name="uq_ward_update_period"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    ward_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("ward.id", ondelete="RESTRICT"), index=True)
    period_start: so.Mapped[date] = so.mapped_column(sa.Date)
    period_end: so.Mapped[date] = so.mapped_column(sa.Date)
    state: so.Mapped[str] = so.mapped_column(sa.String(16), default="draft")
    # [{"category": code, "label": ..., "you_said": text, "we_did": text}, ...]
    items: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    intro: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    published_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    is_demo: so.Mapped[bool] = so.mapped_column(default=False)

    ward = so.relationship("Ward")
