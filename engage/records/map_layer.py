"""The maps' "Recorded ASB (police.uk)" layer: one crime type's count per ward over the
months imported in a period. Context beside the concerns, never a ranking of wards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from engage.extensions import db
from engage.geography.models import BoundarySet, Ward
from engage.records.models import RecordedCount, RecordedMonth
from engage.records.ward_recorded import ASB


@dataclass(frozen=True)
class RecordedLayer:
    crime_type: str
    months: list[date]  # the months imported in the period, oldest first
    wards: dict[str, int]  # every ward of the boundary set by code, 0 where none recorded


def recorded_by_ward(
    boundary_set: BoundarySet, first_day: date, last_day: date, demo: bool, crime_type: str = ASB
) -> RecordedLayer:
    """Each ward's count over the months overlapping first_day..last_day (demo months only
    when `demo`), by ward code, so a count stored against an older vintage of a ward
    whose code lives on is in it."""
    months = db.session.scalars(
        sa.select(RecordedMonth.month)
        .where(
            RecordedMonth.is_demo.is_(demo),
            RecordedMonth.month >= first_day.replace(day=1),
            RecordedMonth.month <= last_day,
        )
        .order_by(RecordedMonth.month)
    ).all()
    codes = db.session.scalars(sa.select(Ward.code).where(Ward.boundary_set_id == boundary_set.id)).all()
    wards = dict.fromkeys(sorted(codes), 0)
    if months:
        rows = db.session.execute(
            sa.select(Ward.code, sa.func.sum(RecordedCount.count))
            .join(Ward, Ward.id == RecordedCount.ward_id)
            .where(RecordedCount.month.in_(months), RecordedCount.crime_type == crime_type, Ward.code.in_(codes))
            .group_by(Ward.code)
        )
        for code, n in rows:
            wards[code] = int(n)
    return RecordedLayer(crime_type, list(months), wards)
