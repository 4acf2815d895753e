"""The off-road vehicles view's figures, for Operation Endurance's hotspots: in a ward, an
authority or all of Cleveland over a period, the concerns raised in the `off_road_bikes`
category and the Section 59 warnings and seizures, as points for the map and as counts
per ward and month for the charts.

What the user sees is the policy's (engage/accounts/policy.py, docs/section59.md): the
concerns `filter_concerns` lets them see, Section 59 points only from the register they
may read (`filter_section59`), and the monthly warnings and seizures of the wards in their
area (`filter_wards`). Counting happens in the database, one sum per month. Real and demo
rows are never mixed: `is_demo` picks one. Months and concerns' days are UTC days, as the
maps count them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.policy import Scope, filter_concerns, filter_section59
from engage.concerns.models import Category, Concern
from engage.concerns.workflow import LABELS as STATUS_LABELS
from engage.extensions import db
from engage.geography.models import BoundarySet, LocalAuthority, Ward
from engage.platform.dates import add_months, day_range
from engage.records.models import S59_OUTCOMES, S59_VEHICLES, Section59Warning

CATEGORY = "off_road_bikes"

# A longer period would make charts no one can read; a year is the usual one.
MAX_MONTHS = 60

# More points than this are not drawn: the counts still hold every one.
MAX_POINTS = 5000


@dataclass(frozen=True)
class Area:
    """A ward, an authority (`lad`) or, with neither, all of Cleveland."""

    boundary_set: BoundarySet
    ward: Ward | None = None
    lad: LocalAuthority | None = None

    @property
    def name(self) -> str:
        if self.ward is not None:
            return self.ward.name
        return self.lad.name if self.lad is not None else "Cleveland"

    def ward_ids(self):
        stmt = sa.select(Ward.id).where(Ward.boundary_set_id == self.boundary_set.id)
        if self.ward is not None:
            return stmt.where(Ward.id == self.ward.id)
        if self.lad is not None:
            return stmt.where(Ward.local_authority_id == self.lad.id)
        return stmt


@dataclass
class Month:
    first: date
    concerns: int = 0
    warnings: int = 0
    seizures: int = 0

    @property
    def total(self) -> int:
        return self.concerns + self.warnings + self.seizures


@dataclass
class WardSeries:
    ward: Ward
    months: list[Month]

    @property
    def concerns(self) -> int:
        return sum(m.concerns for m in self.months)

    @property
    def warnings(self) -> int:
        return sum(m.warnings for m in self.months)

    @property
    def seizures(self) -> int:
        return sum(m.seizures for m in self.months)

    @property
    def peak(self) -> int:
        return max((max(m.concerns, m.warnings, m.seizures) for m in self.months), default=0)


@dataclass
class OffroadView:
    area: Area
    date_from: date
    date_to: date
    months: list[date]
    series: list[WardSeries]
    concern_points: list[dict] = field(default_factory=list)
    warning_points: list[dict] = field(default_factory=list)
    # Concerns counted but not drawn: no position (placed by the meeting's ward only).
    concerns_unplaced: int = 0
    # Whether the user's Section 59 figures are counts only (no points, no references).
    counts_only: bool = False


def months_between(date_from: date, date_to: date) -> list[date]:
    """The first day of every month the period touches."""
    first, last = date_from.replace(day=1), date_to.replace(day=1)
    months = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    return months


def _month_span(first: date, date_from: date, date_to: date) -> tuple[date, date]:
    """The days of a month inside the period."""
    return max(first, date_from), min(add_months(first, 1) - date.resolution, date_to)


def _concern_counts(scope: Scope, area: Area, months, date_from, date_to, is_demo) -> dict[int, list[int]]:
    columns = []
    for first in months:
        lo, hi = day_range(*_month_span(first, date_from, date_to))
        columns.append(sa.func.sum(sa.case((Concern.raised_at.between(lo, hi), 1), else_=0)))
    stmt = _concerns(scope, area, date_from, date_to, is_demo).with_only_columns(Concern.ward_id, *columns)
    return {row[0]: [int(n or 0) for n in row[1:]] for row in db.session.execute(stmt.group_by(Concern.ward_id))}


def _concerns(scope: Scope, area: Area, date_from, date_to, is_demo):
    lo, hi = day_range(date_from, date_to)
    category = sa.select(Category.id).where(Category.code == CATEGORY).scalar_subquery()
    stmt = sa.select(Concern).where(
        Concern.category_id == category,
        Concern.raised_at.between(lo, hi),
        Concern.is_demo.is_(is_demo),
        Concern.ward_id.in_(area.ward_ids()),
    )
    return filter_concerns(scope, stmt)


def _warnings(area: Area, date_from, date_to, is_demo):
    return sa.select(Section59Warning).where(
        Section59Warning.occurred_on.between(date_from, date_to),
        Section59Warning.is_demo.is_(is_demo),
        Section59Warning.ward_id.in_(area.ward_ids()),
    )


def _warning_counts(scope: Scope, area: Area, months, date_from, date_to, is_demo) -> dict[int, list[int]]:
    """Per ward, the warnings then the seizures of each month: of the wards in the
    user's area (a partner agency's too: counts, never where or which)."""
    columns = []
    for outcome in ("warning", "seizure"):
        for first in months:
            lo, hi = _month_span(first, date_from, date_to)
            inside = sa.and_(Section59Warning.outcome == outcome, Section59Warning.occurred_on.between(lo, hi))
            columns.append(sa.func.sum(sa.case((inside, 1), else_=0)))
    in_area = scope.filter_wards(sa.select(Ward.id))
    stmt = (
        _warnings(area, date_from, date_to, is_demo)
        .where(Section59Warning.ward_id.in_(in_area))
        .with_only_columns(Section59Warning.ward_id, *columns)
        .group_by(Section59Warning.ward_id)
    )
    return {row[0]: [int(n or 0) for n in row[1:]] for row in db.session.execute(stmt)}


def offroad_view(scope: Scope, area: Area, date_from: date, date_to: date, is_demo: bool) -> OffroadView:
    months = months_between(date_from, date_to)
    concerns = _concern_counts(scope, area, months, date_from, date_to, is_demo)
    warnings = _warning_counts(scope, area, months, date_from, date_to, is_demo)
    ward_ids = set(concerns) | set(warnings)
    if area.ward is not None:
        ward_ids.add(area.ward.id)
    wards = db.session.scalars(
        sa.select(Ward).where(Ward.id.in_(ward_ids)).options(so.joinedload(Ward.local_authority))
    ).all()
    n = len(months)
    series = []
    for ward in wards:
        c, w = concerns.get(ward.id, [0] * n), warnings.get(ward.id, [0] * 2 * n)
        series.append(WardSeries(ward, [Month(first, c[i], w[i], w[n + i]) for i, first in enumerate(months)]))
    # Hotspots first: the most concerns, warnings and seizures together.
    series.sort(key=lambda s: (-(s.concerns + s.warnings + s.seizures), s.ward.name))
    view = OffroadView(area, date_from, date_to, months, series, counts_only=not scope.reads_section59)
    _add_points(view, scope, is_demo)
    return view


def _add_points(view: OffroadView, scope: Scope, is_demo: bool) -> None:
    concerns = db.session.execute(
        _concerns(scope, view.area, view.date_from, view.date_to, is_demo)
        .with_only_columns(Concern.id, Concern.lon, Concern.lat, Concern.raised_at, Concern.status, Concern.ward_id)
        .order_by(Concern.raised_at.desc())
        .limit(MAX_POINTS)
    ).all()
    names = {s.ward.id: s.ward.name for s in view.series}
    for c in concerns:
        if c.lon is None:
            view.concerns_unplaced += 1
            continue
        view.concern_points.append(
            {
                "id": c.id,
                "lon": c.lon,
                "lat": c.lat,
                "day": f"{c.raised_at:%-d %B %Y}",
                "status": STATUS_LABELS.get(c.status, c.status),
                "ward": names.get(c.ward_id, ""),
            }
        )
    if view.counts_only:
        return
    warnings = db.session.scalars(
        filter_section59(scope, _warnings(view.area, view.date_from, view.date_to, is_demo))
        .where(Section59Warning.lon.isnot(None))
        .order_by(Section59Warning.occurred_on.desc())
        .limit(MAX_POINTS)
    ).all()
    for w in warnings:
        view.warning_points.append(
            {
                "lon": w.lon,
                "lat": w.lat,
                "reference": w.reference,
                "day": f"{w.occurred_on:%-d %B %Y}",
                "outcome": w.outcome,
                "outcome_label": S59_OUTCOMES[w.outcome],
                "vehicle": S59_VEHICLES[w.vehicle_type],
                "place": w.place,
                "ward": names.get(w.ward_id, ""),
            }
        )
