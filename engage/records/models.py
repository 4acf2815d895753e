"""Recorded crime and ASB from police.uk, as counts per ward, month and crime type (never
the rows), with the import that brought each month; and the Section 59 register.

No table here holds a person's name: police.uk publishes none, and the register keeps the
force system's reference number instead."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.platform.db import UTCDateTime, one_of, utcnow

# Section 59 of the Police Reform Act 2002: vehicles used in a manner causing alarm,
# distress or annoyance. A warning first; a seizure if it happens again.
S59_VEHICLES = {"motorbike": "Motorbike", "quad": "Quad", "car": "Car", "other": "Other vehicle"}
S59_OUTCOMES = {"warning": "Warning", "seizure": "Seizure"}
S59_SOURCES = ("entered", "import", "demo")


class RecordedMonth(db.Model):
    """One month of police.uk data as last imported: re-importing the month replaces its
    counts. What the import left out is kept as numbers, for the import's report."""

    __tablename__ = "recorded_month"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("EXTRACT(DAY FROM month) = 1", name="first_of_month").ddl_if(dialect="postgresql"),
        sa.CheckConstraint("strftime('%d', month) = '01'", name="first_of_month").ddl_if(dialect="sqlite"),
    )

    # The first day of the month.
    month: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
    imported_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    imported_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="", server_default="")
    files: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    rows_stored: so.Mapped[int] = so.mapped_column(default=0)
    rows_other_force: so.Mapped[int] = so.mapped_column(default=0)
    rows_outside: so.Mapped[int] = so.mapped_column(default=0)
    # Rows with no position at all (police.uk leaves some without one).
    rows_unplaced: so.Mapped[int] = so.mapped_column(default=0)
    is_demo: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    counts: so.Mapped[list[RecordedCount]] = so.relationship(
        back_populates="recorded_month", cascade="all, delete-orphan", passive_deletes=True
    )


class RecordedCount(db.Model):
    __tablename__ = "recorded_count"
    __table_args__ = (
        sa.CheckConstraint("count >= 1", name="count_positive"),
        sa.Index("ix_recorded_count_ward_month", "ward_id", "month"),
    )

    month: so.Mapped[date] = so.mapped_column(
        sa.ForeignKey("recorded_month.month", ondelete="CASCADE"), primary_key=True
    )
    ward_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("ward.id", ondelete="RESTRICT"), primary_key=True)
    # police.uk's own words: "Anti-social behaviour", "Violence and sexual offences"...
    crime_type: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)
    count: so.Mapped[int]

    recorded_month: so.Mapped[RecordedMonth] = so.relationship(back_populates="counts")
    ward = so.relationship("Ward")


class Section59Warning(db.Model):
    __tablename__ = "section59_warning"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(one_of("vehicle_type", S59_VEHICLES), name="vehicle_known"),
        sa.CheckConstraint(one_of("outcome", S59_OUTCOMES), name="outcome_known"),
        sa.CheckConstraint(one_of("source", S59_SOURCES), name="source_known"),
        sa.CheckConstraint("(lon IS NULL) = (lat IS NULL)", name="position_whole"),
        sa.Index("ix_section59_warning_ward_occurred", "ward_id", "occurred_on"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The force system's reference: the same reference imported again changes nothing.
    reference: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    occurred_on: so.Mapped[date] = so.mapped_column(sa.Date, index=True)
    place: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    lon: so.Mapped[float | None]
    lat: so.Mapped[float | None]
    grid_ref: so.Mapped[str | None] = so.mapped_column(sa.String(24))
    # None: outside every ward, or no position (kept and flagged for someone to look at).
    ward_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("ward.id", ondelete="RESTRICT"))
    vehicle_type: so.Mapped[str] = so.mapped_column(sa.String(16))
    outcome: so.Mapped[str] = so.mapped_column(sa.String(16))
    source: so.Mapped[str] = so.mapped_column(sa.String(8), default="entered")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    created_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="", server_default="")
    is_demo: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false(), index=True)

    ward = so.relationship("Ward")
