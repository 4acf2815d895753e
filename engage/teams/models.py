"""Teams (INTs and partner agencies), the wards they cover, and the routing rules that send
concerns to them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.platform.db import UTCDateTime, utcnow

if TYPE_CHECKING:  # annotations only; SQLAlchemy resolves them by name
    from engage.accounts.models import User


TEAM_KINDS = ("int", "partner")

# What a team covers: a list of wards, one whole authority, or all of Cleveland.
COVERAGE = ("wards", "authority", "all")

team_ward = sa.Table(
    "team_ward",
    db.metadata,
    sa.Column("team_id", sa.ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("ward_id", sa.ForeignKey("ward.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Team(db.Model):
    """An Integrated Neighbourhood Team or a partner agency."""

    __tablename__ = "team"
    __audited__ = True
    __audit_exclude__ = {"members"}  # membership is recorded on the user
    __table_args__ = (
        sa.CheckConstraint("kind IN ('int', 'partner')", name="kind_known"),
        sa.CheckConstraint("coverage IN ('wards', 'authority', 'all')", name="coverage_known"),
        sa.CheckConstraint("coverage != 'authority' OR local_authority_id IS NOT NULL", name="authority_named"),
        sa.CheckConstraint("notify_mode IN ('immediate', 'digest')", name="notify_mode_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160))
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    local_authority_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("local_authority.id", ondelete="RESTRICT")
    )
    contact_email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    coverage: so.Mapped[str] = so.mapped_column(sa.String(16), default="wards")
    # 'immediate': one e-mail per concern; 'digest': one a day listing them.
    notify_mode: so.Mapped[str] = so.mapped_column(sa.String(16), default="immediate", server_default="immediate")
    # Sample configuration loaded by `flask demo load`: always labelled as such.
    is_demo: so.Mapped[bool] = so.mapped_column(default=False, index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    local_authority = so.relationship("LocalAuthority")
    wards = so.relationship("Ward", secondary=team_ward, lazy="selectin", order_by="Ward.code")
    members: so.Mapped[list[User]] = so.relationship(secondary="team_member", back_populates="teams")

    def __repr__(self):
        return f"<Team {self.code}>"


ROUTED_BY = ("rule", "coverage", "triage", "manual")

routing_rule_copy = sa.Table(
    "routing_rule_copy",
    db.metadata,
    sa.Column("rule_id", sa.ForeignKey("routing_rule.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("team_id", sa.ForeignKey("team.id", ondelete="RESTRICT"), primary_key=True),
)


class RoutingRule(db.Model):
    """Match on area (a ward, an authority, or anywhere) and category (one, or any).
    The most specific match wins: ward > authority > anywhere, then a named category
    > any; ties by priority (higher first). No lead team means "the ward's INT"."""

    __tablename__ = "routing_rule"
    __audited__ = True
    __table_args__ = (sa.CheckConstraint("ward_id IS NULL OR local_authority_id IS NULL", name="one_area"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    ward_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("ward.id", ondelete="RESTRICT"))
    local_authority_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("local_authority.id", ondelete="RESTRICT")
    )
    category_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("category.id", ondelete="RESTRICT"))
    lead_team_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("team.id", ondelete="RESTRICT"))
    priority: so.Mapped[int] = so.mapped_column(default=0)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    is_demo: so.Mapped[bool] = so.mapped_column(default=False)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    edited_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    edited_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

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
