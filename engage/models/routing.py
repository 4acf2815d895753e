"""Where concerns go: routing rules, each concern's routing history, its status
changes, the e-mail outbox and the published "You said, we did"."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.models.base import utcnow
from engage.models.capture import CONCERN_STATUSES, _in

ROUTED_BY = ("rule", "coverage", "triage", "manual")
# 'withdrawn': the concern was undone by the officer before the e-mail went (kept for the record).
OUTBOX_STATES = ("pending", "sending", "sent", "failed", "digest", "folded", "withdrawn")

routing_rule_copy = sa.Table(
    "routing_rule_copy",
    db.metadata,
    sa.Column("rule_id", sa.ForeignKey("routing_rule.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("team_id", sa.ForeignKey("team.id", ondelete="RESTRICT"), primary_key=True),
)

# The teams a concern is currently copied to (the lead is concern.lead_team_id).
concern_copy = sa.Table(
    "concern_copy",
    db.metadata,
    sa.Column("concern_id", sa.ForeignKey("concern.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("team_id", sa.ForeignKey("team.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class RoutingRule(db.Model):
    """Match on area (a ward, an authority, or anywhere) and category (one, or any).
    The most specific match wins: ward > authority > anywhere, then a named category
    > any; ties by priority (higher first). No lead team means "the ward's INT"."""

    __tablename__ = "routing_rule"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("ward_id IS NULL OR local_authority_id IS NULL", name="one_area"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    ward_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("ward.id", ondelete="RESTRICT"))
    local_authority_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("local_authority.id", ondelete="RESTRICT"))
    category_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("category.id", ondelete="RESTRICT"))
    lead_team_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("team.id", ondelete="RESTRICT"))
    priority: so.Mapped[int] = so.mapped_column(default=0)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    is_demo: so.Mapped[bool] = so.mapped_column(default=False)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    edited_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    edited_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    ward = so.relationship("Ward")
    local_authority = so.relationship("LocalAuthority")
    category = so.relationship("Category")
    lead_team = so.relationship("Team", foreign_keys=[lead_team_id])
    copy_teams = so.relationship("Team", secondary=routing_rule_copy, lazy="selectin", order_by="Team.code")

    @property
    def area_label(self) -> str:
        if self.ward is not None:
            return f"{self.ward.name} ward"
        if self.local_authority is not None:
            return f"any ward of {self.local_authority.name}"
        return "anywhere"


class ConcernRouting(db.Model):
    """One routing of a concern (the first, automatic one and any re-routing by staff)."""

    __tablename__ = "concern_routing"
    __table_args__ = (sa.CheckConstraint(_in("routed_by", ROUTED_BY), name="routed_by_known"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    concern_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    routed_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    routed_by: so.Mapped[str] = so.mapped_column(sa.String(16))
    rule_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("routing_rule.id", ondelete="SET NULL"))
    lead_team_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("team.id", ondelete="RESTRICT"))
    copied_team_codes: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    actor: so.Mapped[str] = so.mapped_column(sa.String(254), default="system")

    concern = so.relationship("Concern", back_populates="routings")
    lead_team = so.relationship("Team")
    rule = so.relationship("RoutingRule")


class StatusChange(db.Model):
    __tablename__ = "status_change"
    __table_args__ = (sa.CheckConstraint(_in("to_status", CONCERN_STATUSES), name="to_status_known"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    concern_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    from_status: so.Mapped[str] = so.mapped_column(sa.String(16))
    to_status: so.Mapped[str] = so.mapped_column(sa.String(16))
    # "We did" text for action_taken, the reason for no_action or a reopen.
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    actor_id: so.Mapped[int | None] = so.mapped_column(index=True)
    actor: so.Mapped[str] = so.mapped_column(sa.String(254))

    concern = so.relationship("Concern")


class OutboxMessage(db.Model):
    """An e-mail written in the same transaction as what caused it, sent by the
    worker (`flask outbox send`). See docs/notifications.md for the guarantee."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.CheckConstraint(_in("state", OUTBOX_STATES), name="state_known"),
        sa.Index("ix_outbox_due", "state", "next_attempt_at"),
        # The outbox newest first, all of it or in one state (0008).
        sa.Index("ix_outbox_message_created_at", "created_at"),
        sa.Index("ix_outbox_message_state_created_at", "state", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    team_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("team.id", ondelete="SET NULL"), index=True)
    concern_id: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("concern.id", ondelete="SET NULL"), index=True)
    recipient: so.Mapped[str] = so.mapped_column(sa.String(254))
    subject: so.Mapped[str] = so.mapped_column(sa.String(255))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    # Stable across retries, so a copy that slipped through twice is recognisable.
    message_id: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    state: so.Mapped[str] = so.mapped_column(sa.String(16), default="pending")
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    claimed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    sent_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    last_error: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    team = so.relationship("Team")
    # Relationships (not bare ids) so a new concern is inserted before its messages.
    concern = so.relationship("Concern")


class WardUpdate(db.Model):
    """"You said, we did" for one ward and period: drafted from the concerns, edited
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
    published_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    published_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    is_demo: so.Mapped[bool] = so.mapped_column(default=False)

    ward = so.relationship("Ward")
