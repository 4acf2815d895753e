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
        sa.CheckConstraint("state IN ('draft', 'published', 'withdrawn')", name="state_known"),
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
    # A published update taken down again: kept (the public saw it), never shown.
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    withdrawn_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="", server_default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    is_demo: so.Mapped[bool] = so.mapped_column(default=False)

    ward = so.relationship("Ward")


class PanelReportDraft(db.Model):
    """One Panel report: its period, report date and Panel meeting date, the wording
    staff changed (paragraph key -> text; a key not here reads as the computed text),
    and who changed it last. Once sent to the Panel its Word and PDF files are kept
    exactly as sent, and the report is frozen."""

    __tablename__ = "panel_report_draft"
    __audited__ = True
    # Wording is saved as staff type (the row keeps who changed it last); sending and
    # the dates are what the trail needs, and the files would swamp it.
    __audit_exclude__ = {"wording", "sent_docx", "sent_pdf", "updated_at"}
    __table_args__ = (
        sa.CheckConstraint("period_end >= period_start", name="period_ordered"),
        sa.CheckConstraint("source IN ('real', 'demo')", name="source_known"),
        sa.CheckConstraint(
            "sent_at IS NULL OR (sent_docx IS NOT NULL AND sent_pdf IS NOT NULL)", name="sent_keeps_files"
        ),
        sa.UniqueConstraint(
            "period_start", "period_end", "report_date", "source", name="uq_panel_report_draft_period_date"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    period_start: so.Mapped[date] = so.mapped_column(sa.Date)
    period_end: so.Mapped[date] = so.mapped_column(sa.Date)
    report_date: so.Mapped[date] = so.mapped_column(sa.Date)
    panel_date: so.Mapped[date | None] = so.mapped_column(sa.Date)
    source: so.Mapped[str] = so.mapped_column(sa.String(8), default="real")
    wording: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    sent_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    sent_docx: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary, deferred=True)
    sent_pdf: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary, deferred=True)
