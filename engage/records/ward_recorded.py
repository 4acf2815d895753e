"""What police.uk recorded in one ward, month by month, beside the concerns raised there
the same months: context for the ward page, the brief and the map, never a ranking of
wards (docs/recorded-crime.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from engage.accounts.policy import Scope, filter_concerns
from engage.concerns.models import Concern
from engage.extensions import db
from engage.geography.models import Ward
from engage.platform.dates import OFFICE_ZONE, add_months, day_range
from engage.records.models import RecordedCount, RecordedMonth

# The crime types shown (police.uk's own words), with the short names column headings use:
# nine columns fit the brief's A4 width only with short ones.
SHOWN_TYPES = {
    "Anti-social behaviour": "ASB",
    "Burglary": "Burglary",
    "Criminal damage and arson": "Criminal damage",
    "Vehicle crime": "Vehicle crime",
    "Drugs": "Drugs",
    "Violence and sexual offences": "Violence",
}
ASB = "Anti-social behaviour"
MONTHS_SHOWN = 12

CAVEAT = (
    "Locations are approximate: police.uk snaps each crime to one of a set of map points, "
    "so a few near a ward's edge may be counted in the next ward."
)


@dataclass(frozen=True)
class RecordedRow:
    month: date
    by_type: tuple[int, ...]  # in SHOWN_TYPES order
    all_types: int  # every crime type and ASB police.uk recorded in the ward that month
    concerns: int  # raised in the ward that month (office days)


@dataclass(frozen=True)
class WardRecorded:
    source: str  # "real" or "demo"
    rows: list[RecordedRow]  # the last imported months, oldest first
    # False when the user sees only some of the ward's concerns: the column says so.
    concerns_whole: bool

    types = tuple(SHOWN_TYPES.values())
    type_names = tuple(SHOWN_TYPES)
    caveat = CAVEAT

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"

    @property
    def first(self) -> date | None:
        return self.rows[0].month if self.rows else None

    @property
    def last(self) -> date | None:
        return self.rows[-1].month if self.rows else None

    def totals(self) -> RecordedRow | None:
        """Every shown month together."""
        if not self.rows:
            return None
        return RecordedRow(
            self.rows[-1].month,
            tuple(sum(r.by_type[i] for r in self.rows) for i in range(len(self.types))),
            sum(r.all_types for r in self.rows),
            sum(r.concerns for r in self.rows),
        )


def imported_months(demo: bool, limit: int = MONTHS_SHOWN) -> list[date]:
    """The last `limit` months imported (demo months only for demo), oldest first."""
    months = db.session.scalars(
        sa.select(RecordedMonth.month)
        .where(RecordedMonth.is_demo.is_(demo))
        .order_by(RecordedMonth.month.desc())
        .limit(limit)
    ).all()
    return sorted(months)


def month_end(month: date) -> date:
    return add_months(month, 1) - date.resolution


def recorded_in_ward(ward: Ward, scope: Scope, source: str = "real") -> WardRecorded:
    """The ward's last imported months (any vintage of the ward, by its code), with the
    concerns this user may see raised there in each."""
    demo = source == "demo"
    months = imported_months(demo)
    ward_ids = list(db.session.scalars(sa.select(Ward.id).where(Ward.code == ward.code)))
    whole = scope.reads_every_concern_in(ward_ids)
    if not months:
        return WardRecorded(source, [], whole)
    counts: dict[tuple[date, str], int] = {}
    for month, crime_type, n in db.session.execute(
        sa.select(RecordedCount.month, RecordedCount.crime_type, sa.func.sum(RecordedCount.count))
        .where(RecordedCount.ward_id.in_(ward_ids), RecordedCount.month.in_(months))
        .group_by(RecordedCount.month, RecordedCount.crime_type)
    ):
        counts[(month, crime_type)] = int(n)
    concerns = _concerns_by_month(ward_ids, months, scope, demo)
    rows = [
        RecordedRow(
            month,
            tuple(counts.get((month, t), 0) for t in SHOWN_TYPES),
            sum(n for (m, _), n in counts.items() if m == month),
            concerns[i],
        )
        for i, month in enumerate(months)
    ]
    return WardRecorded(source, rows, whole)


def _concerns_by_month(ward_ids: list[int], months: list[date], scope: Scope, demo: bool) -> list[int]:
    """Concerns raised in each month, in one statement of one sum per month."""
    sums = []
    for month in months:
        lo, hi = day_range(month, month_end(month), OFFICE_ZONE)
        sums.append(sa.func.coalesce(sa.func.sum(sa.case((Concern.raised_at.between(lo, hi), 1), else_=0)), 0))
    lo, _ = day_range(months[0], None, OFFICE_ZONE)
    _, hi = day_range(None, month_end(months[-1]), OFFICE_ZONE)
    stmt = filter_concerns(
        scope,
        sa.select(*sums).where(
            Concern.ward_id.in_(ward_ids), Concern.is_demo.is_(demo), Concern.raised_at.between(lo, hi)
        ),
    )
    return [int(n) for n in db.session.execute(stmt).one()]
