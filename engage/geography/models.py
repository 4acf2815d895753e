"""Boundary sets (vintages), local authorities, wards and their designations.

A boundary set is MapIt's "generation" in miniature: several vintages coexist, one is
current, and anything recorded later keeps the ward (and so the vintage) it was
recorded in.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.platform.db import UTCDateTime, utcnow

DESIGNATIONS = ("strengthen", "support", "sustain")


class BoundarySet(db.Model):
    __tablename__ = "boundary_set"
    __table_args__ = (
        # At most one current set: a partial unique index both engines support.
        sa.Index(
            "uq_boundary_set_current",
            "is_current",
            unique=True,
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    vintage: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    source: so.Mapped[str] = so.mapped_column(sa.Text)
    attribution: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    is_current: so.Mapped[bool] = so.mapped_column(default=False)
    imported_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    wards: so.Mapped[list[Ward]] = so.relationship(back_populates="boundary_set")

    def __repr__(self):
        return f"<BoundarySet {self.vintage}{' current' if self.is_current else ''}>"


class LocalAuthority(db.Model):
    __tablename__ = "local_authority"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(9), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))

    def __repr__(self):
        return f"<LocalAuthority {self.code} {self.name}>"


class Ward(db.Model):
    __tablename__ = "ward"
    __table_args__ = (sa.UniqueConstraint("boundary_set_id", "code", name="uq_ward_set_code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    boundary_set_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("boundary_set.id", ondelete="RESTRICT"), index=True
    )
    code: so.Mapped[str] = so.mapped_column(sa.String(9), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    local_authority_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("local_authority.id", ondelete="RESTRICT"), index=True
    )
    # WGS84 GeoJSON geometry. Kept as text so SQLite and PostgreSQL need no spatial
    # extension; point location happens in memory with an STRtree (geodata.lookup).
    # Deferred: a ward outline is tens of kB, and most reads of a ward (a concern's
    # ward, a team's wards) want only its code and name. Readers of many outlines
    # undefer it in their query.
    geometry: so.Mapped[str] = so.mapped_column(sa.Text, deferred=True)
    # A point inside the ward, for labels and "zoom to ward".
    label_lon: so.Mapped[float]
    label_lat: so.Mapped[float]

    boundary_set: so.Mapped[BoundarySet] = so.relationship(back_populates="wards")
    local_authority: so.Mapped[LocalAuthority] = so.relationship()
    designations: so.Mapped[list[WardDesignation]] = so.relationship(
        back_populates="ward", order_by="WardDesignation.effective_from"
    )

    def designation_on(self, day: date) -> WardDesignation | None:
        in_force = [d for d in self.designations if d.effective_from <= day]
        return in_force[-1] if in_force else None

    def __repr__(self):
        return f"<Ward {self.code} {self.name}>"


class WardDesignation(db.Model):
    """Strengthen / Support / Sustain under the force's demand-based neighbourhood model.

    History is kept: a new row with a later effective_from supersedes, never overwrites.
    """

    __tablename__ = "ward_designation"
    __table_args__ = (
        sa.UniqueConstraint("ward_id", "effective_from", name="uq_ward_designation_ward_date"),
        sa.CheckConstraint("designation IN ('strengthen', 'support', 'sustain')", name="designation_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    ward_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("ward.id", ondelete="CASCADE"), index=True)
    designation: so.Mapped[str] = so.mapped_column(sa.String(16))
    effective_from: so.Mapped[date] = so.mapped_column(sa.Date)
    # Sample designations (the public documents do not list the real ones) are
    # always labelled as such wherever they show.
    is_sample: so.Mapped[bool] = so.mapped_column(default=False)
    source: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    imported_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    ward: so.Mapped[Ward] = so.relationship(back_populates="designations")
