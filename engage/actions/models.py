"""An action: a title, an owner (a person in a team, a team, or a name as minuted, such as
"J Feaks, Redcar and Cleveland Borough Council"), a due date, a status, and its history.
It comes from a concern (the lead team's "we will patrol the beck path on Tuesdays") or
from an agenda item of a partnership or scrutiny meeting."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.platform.db import UTCDateTime, one_of, utcnow

ACTION_STATUSES = ("open", "done", "dropped")


class Action(db.Model):
    __tablename__ = "action"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(one_of("status", ACTION_STATUSES), name="status_known"),
        sa.CheckConstraint(
            "owner_user_id IS NOT NULL OR owner_team_id IS NOT NULL OR owner_name <> ''", name="has_owner"
        ),
        sa.CheckConstraint("concern_id IS NOT NULL OR agenda_item_id IS NOT NULL", name="has_source"),
        sa.CheckConstraint("status <> 'dropped' OR dropped_reason <> ''", name="dropped_has_reason"),
        sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name="closed_when_not_open"),
        # Overdue (open, due before today) everywhere, and per owner or owning team.
        sa.Index("ix_action_status_due", "status", "due_date"),
        sa.Index("ix_action_owner_user_status_due", "owner_user_id", "status", "due_date"),
        sa.Index("ix_action_owner_team_status_due", "owner_team_id", "status", "due_date"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(500))
    owner_user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    owner_team_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("team.id", ondelete="RESTRICT"))
    # The owner as written: a person's name (and organisation) from the minutes, or the
    # user's name as it was, kept if the account is later removed.
    owner_name: so.Mapped[str] = so.mapped_column(sa.String(254), default="", server_default="")
    due_date: so.Mapped[date | None] = so.mapped_column(sa.Date)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="open", server_default="open")
    dropped_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    concern_id: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    agenda_item_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="", server_default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1)
    is_demo: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false(), index=True)

    owner_user = so.relationship("User", foreign_keys=[owner_user_id])
    owner_team = so.relationship("Team", foreign_keys=[owner_team_id])
    concern = so.relationship("Concern")
    agenda_item = so.relationship("AgendaItem", back_populates="actions")
    updates: so.Mapped[list[ActionUpdate]] = so.relationship(
        back_populates="action", order_by="ActionUpdate.at", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}


class ActionUpdate(db.Model):
    """One entry in an action's history: a note, and the status, owner or due date it set
    (empty where unchanged), by whom and when, as they then were."""

    __tablename__ = "action_update"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("action.id", ondelete="CASCADE"), index=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="")
    owner: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    due_date: so.Mapped[date | None] = so.mapped_column(sa.Date)
    actor_id: so.Mapped[int | None]
    actor: so.Mapped[str] = so.mapped_column(sa.String(254))

    action: so.Mapped[Action] = so.relationship(back_populates="updates")
