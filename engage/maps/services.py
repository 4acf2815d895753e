"""Map data: concerns per ward (choropleth) and binned density (heat map).

Aggregation happens in the database, never by sending every point to the browser or
looping in Python. Staff and admin maps (and inspectors' maps for their own wards) sum
the rollup tables kept by triggers (engage/maps/rollup.py), so the work grows with
wards, cells and the dozen time blocks of a period, not with the number of concerns.
What the rollup cannot know (an officer's own entries, concerns routed to a team) is
counted from the concerns directly; `use_rollup=False` counts everything that way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from engage.accounts.policy import Scope, filter_concerns
from engage.concerns.models import (
    CONCERN_STATUSES,
    Category,
    Concern,
    Meeting,
    concern_copy,
    meeting_ward,
)
from engage.concerns.workflow import OPEN_STATUSES
from engage.demo.source import parse_source
from engage.extensions import db
from engage.geography.models import BoundarySet, LocalAuthority, Ward
from engage.geography.register import register_entries
from engage.maps import rollup
from engage.maps.classes import BREAK_METHODS, map_classes
from engage.platform.dates import day_range, last_twelve_months

# No concern or meeting is older; earlier filter dates are refused.
EARLIEST_FILTER_DATE = date(1900, 1, 1)

# Origin for grid bins: west and south of Cleveland, so cell numbers are positive and
# SQLite's CAST (a truncation) is a floor; PostgreSQL's CAST rounds, so floor() there.
# The rollup triggers (migrations/versions/0007) number cells the same way.
GRID_ORIGIN = (-2.0, 54.0)


@dataclass(frozen=True)
class MapFilters:
    date_from: date
    date_to: date
    category: str | None = None
    lad: str | None = None
    designation: str | None = None
    status: str | None = None  # None = all, 'open', or one status
    source: str = "real"  # 'real' or 'demo': never both in one figure
    errors: tuple = field(default=(), compare=False)

    def as_args(self) -> dict:
        out = {"from": self.date_from.isoformat(), "to": self.date_to.isoformat(), "source": self.source}
        for key in ("category", "lad", "designation", "status"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_args(cls, args, today: date | None = None, default_source: str = "real") -> MapFilters:
        today = today or date.today()
        errors = []

        def day(name, default):
            raw = args.get(name)
            if not raw:
                return default
            try:
                value = date.fromisoformat(raw)
            except ValueError:
                errors.append(f"{name}: '{raw}' is not a date like 2026-01-31")
                return default
            if value < EARLIEST_FILTER_DATE:  # and a year before it must still be a date
                errors.append(f"{name}: '{raw}' is before {EARLIEST_FILTER_DATE.year}")
                return default
            return value

        date_to = day("to", today)
        year_from, _ = last_twelve_months(date_to)
        date_from = day("from", year_from)
        if date_from > date_to:
            errors.append("from: the period starts after it ends")
            date_from = year_from
        source, wrong = parse_source(args.get("source"), default_source)
        if wrong:
            errors.append(wrong)
        designation = args.get("designation") or None
        if designation and designation not in ("strengthen", "support", "sustain"):
            errors.append(f"designation: '{designation}' is not strengthen, support or sustain")
            designation = None
        return cls(
            date_from,
            date_to,
            args.get("category") or None,
            args.get("lad") or None,
            designation,
            args.get("status") or None,
            source,
            tuple(errors),
        )


def _moment_bounds(f: MapFilters):
    return day_range(f.date_from, f.date_to)


def designated_ward_ids(boundary_set_id: int, designation: str, on: date) -> list[int]:

    boundary_set = db.session.get(BoundarySet, boundary_set_id)
    return [e.ward.id for e in register_entries(boundary_set, on=on) if e.designation == designation]


def _area_conditions(f: MapFilters, boundary_set_id: int) -> list:
    """Authority and designation filters, as conditions on the concern's Ward."""
    conditions = []
    if f.lad:
        conditions.append(
            Ward.local_authority_id
            == sa.select(LocalAuthority.id).where(LocalAuthority.code == f.lad).scalar_subquery()
        )
    if f.designation:
        # Designations belong to the current set's wards; match concerns by ward code.
        codes = sa.select(Ward.code).where(Ward.id.in_(designated_ward_ids(boundary_set_id, f.designation, f.date_to)))
        conditions.append(Ward.code.in_(codes))
    return conditions


def wards_outside_selection(f: MapFilters, boundary_set_id: int, codes) -> list[str]:
    """Which of these wards the authority and designation filters leave out: the map
    draws them as outside the selection, not as wards where nobody raised anything."""
    area = _area_conditions(f, boundary_set_id)
    if not area:
        return []
    inside = set(db.session.scalars(sa.select(Ward.code).where(Ward.boundary_set_id == boundary_set_id, *area)))
    return sorted(code for code in codes if code not in inside)


def _category_id(f: MapFilters):
    return sa.select(Category.id).where(Category.code == f.category).scalar_subquery()


def _statuses(f: MapFilters) -> tuple[str, ...] | None:
    """None for every status; () when the filter can match nothing."""
    if not f.status:
        return None
    if f.status == "open":
        return OPEN_STATUSES
    return (f.status,) if f.status in CONCERN_STATUSES else ()


def _filtered(stmt, f: MapFilters, boundary_set_id: int):
    """The map filters on a statement over Concern joined to Ward (the user's scope aside)."""
    lo, hi = _moment_bounds(f)
    stmt = stmt.where(
        Concern.raised_at.between(lo, hi),
        Concern.is_demo.is_(f.source == "demo"),
        *_area_conditions(f, boundary_set_id),
    )
    if f.category:
        stmt = stmt.where(Concern.category_id == _category_id(f))
    if f.status == "open":
        stmt = stmt.where(Concern.status.in_(OPEN_STATUSES))
    elif f.status:
        stmt = stmt.where(Concern.status == f.status)
    return stmt


def concern_filter(stmt, f: MapFilters, scope: Scope, boundary_set_id: int):
    """Apply the filters and the user's scope to a statement over Concern joined to Ward."""
    return filter_concerns(scope, _filtered(stmt, f, boundary_set_id))


def _rollup_reach(scope: Scope) -> str | None:
    """How much of this user's map the rollup can answer.

    'all': everyone who sees every concern with a ward (Scope.reads_all_wards): staff
    and admin, and inspectors of an INT covering all wards. 'wards': inspectors of INTs
    covering some wards: the rollup answers for those wards; what else they see (routed
    to their teams, or logged by them, elsewhere) is counted directly. None: officers
    see only their own entries and partner agencies only what is routed to them, which
    the rollup cannot tell apart, so their maps are counted directly."""
    if scope.reads_all_wards:
        return "all"
    if scope.area_team_ids:
        return "wards"
    return None


def _beyond_wards(f: MapFilters, scope: Scope, stmt):
    """What a ward-limited inspector sees outside their INTs' wards: concerns routed
    (lead or copy) to their teams, or logged by them. Usually few, so their ids are found first,
    each arm by an index, and only those concerns are read: an OR over these columns, or
    a join PostgreSQL estimates badly, would read every concern in the other wards."""
    elsewhere = db.session.scalars(sa.select(Ward.id).where(Ward.id.not_in(scope.concern_ward_ids()))).all()
    lo, hi = _moment_bounds(f)
    period = [Concern.ward_id.in_(elsewhere), Concern.raised_at.between(lo, hi)]
    arms = [
        sa.select(Concern.id).where(Concern.lead_team_id.in_(scope.team_ids), *period),
        sa.select(Concern.id)
        .join(concern_copy, concern_copy.c.concern_id == Concern.id)
        .where(concern_copy.c.team_id.in_(scope.team_ids), *period),
    ]
    if scope.user_id is not None:
        arms.append(sa.select(Concern.id).where(Concern.created_by_id == scope.user_id, *period))
    ids = db.session.scalars(sa.union(*arms)).all() if elsewhere else []
    return stmt.where(Concern.id.in_(ids))


def _rollup_ward_counts(f: MapFilters, scope: Scope, boundary_set_id: int, reach: str) -> dict[str, int]:
    r = rollup.concern_rollup
    statuses = _statuses(f)
    if statuses == ():
        return {}
    stmt = (
        sa.select(Ward.code, sa.func.sum(r.c.n))
        .join(Ward, r.c.ward_id == Ward.id)
        .where(
            r.c.is_demo.is_(f.source == "demo"),
            r.c.zoom == rollup.WARD_ZOOM,
            r.c.category_id == (_category_id(f) if f.category else rollup.ALL_CATEGORIES),
            r.c.status.in_(statuses) if statuses else r.c.status == rollup.ALL_STATUSES,
            rollup.period(r, f.date_from, f.date_to),
            *_area_conditions(f, boundary_set_id),
        )
        .group_by(Ward.code)
    )
    if reach == "wards":
        stmt = stmt.where(r.c.ward_id.in_(scope.concern_ward_ids()))
    return {code: int(n) for code, n in db.session.execute(stmt).all()}


def _direct_ward_counts(f: MapFilters, scope: Scope, boundary_set_id: int, beyond_wards: bool = False):
    stmt = _filtered(
        sa.select(Ward.code, sa.func.count(Concern.id)).join(Ward, Concern.ward_id == Ward.id), f, boundary_set_id
    )
    stmt = _beyond_wards(f, scope, stmt) if beyond_wards else filter_concerns(scope, stmt)
    return dict(db.session.execute(stmt.group_by(Ward.code)).all())


def _direct_held_meetings(f: MapFilters) -> dict[str, int]:
    return dict(
        db.session.execute(
            sa.select(Ward.code, sa.func.count(sa.distinct(Meeting.id)))
            .join(meeting_ward, meeting_ward.c.ward_id == Ward.id)
            .join(Meeting, Meeting.id == meeting_ward.c.meeting_id)
            .where(
                Meeting.status == "held",
                Meeting.date.between(f.date_from, f.date_to),
                Meeting.is_demo.is_(f.source == "demo"),
            )
            .group_by(Ward.code)
        ).all()
    )


def _add(a: dict, b: dict) -> dict:
    out = dict(a)
    for key, n in b.items():
        out[key] = out.get(key, 0) + n
    return out


def ward_counts(f: MapFilters, scope: Scope, boundary_set_id: int, use_rollup: bool = True) -> dict[str, dict]:
    """{ward_code: {count, meetings, per_meeting}} for the wards the user may see.
    Concerns recorded in an older vintage count towards the ward with the same code.

    Summed from the rollup tables (engage/maps/rollup.py) wherever the user's scope
    allows; `use_rollup=False` gives the same answer by grouping the concerns directly."""
    reach = _rollup_reach(scope) if use_rollup else None
    if reach is None:
        counts = _direct_ward_counts(f, scope, boundary_set_id)
    else:
        counts = _rollup_ward_counts(f, scope, boundary_set_id, reach)
        if reach == "wards":
            counts = _add(counts, _direct_ward_counts(f, scope, boundary_set_id, beyond_wards=True))
    if use_rollup:
        meetings = rollup.held_meetings(f.date_from, f.date_to, f.source == "demo")
    else:
        meetings = _direct_held_meetings(f)
    visible = visible_ward_codes(scope, boundary_set_id)
    out = {}
    for code in visible:
        n, m = counts.get(code, 0), meetings.get(code, 0)
        out[code] = {"count": n, "meetings": m, "per_meeting": round(n / m, 2) if m else None}
    return out


def visible_ward_codes(scope: Scope, boundary_set_id: int) -> list[str]:
    stmt = scope.filter_wards(sa.select(Ward.code).where(Ward.boundary_set_id == boundary_set_id))
    return list(db.session.scalars(stmt.order_by(Ward.code)))


def cell_degrees(zoom: int) -> float:
    return 0.02 / 2 ** (zoom - 10)


def _cell_index(value, origin: float, cell: float):
    """Grid cell number: a floor on both engines (SQLite's CAST truncates, which is a floor
    east and north of the origin; PostgreSQL's rounds, hence floor() there)."""
    offset = (value - origin) / cell
    if db.session.get_bind().dialect.name == "postgresql":
        offset = sa.func.floor(offset)
    return sa.cast(offset, sa.Integer)


def _direct_heat(f: MapFilters, scope: Scope, boundary_set_id: int, zoom: int, beyond_wards: bool = False):
    cell = cell_degrees(zoom)
    gx = _cell_index(Concern.lon, GRID_ORIGIN[0], cell)
    gy = _cell_index(Concern.lat, GRID_ORIGIN[1], cell)
    stmt = _filtered(
        sa.select(gx.label("gx"), gy.label("gy"), sa.func.count())
        .join(Ward, Concern.ward_id == Ward.id)
        .where(Concern.lon.isnot(None), Concern.lat.isnot(None)),
        f,
        boundary_set_id,
    )
    stmt = _beyond_wards(f, scope, stmt) if beyond_wards else filter_concerns(scope, stmt)
    return {(x, y): n for x, y, n in db.session.execute(stmt.group_by(gx, gy)).all()}


def _rollup_heat(f: MapFilters, scope: Scope, boundary_set_id: int, zoom: int, reach: str):
    r = rollup.concern_rollup
    statuses = _statuses(f)
    if statuses == ():
        return {}
    shift = rollup.HEAT_ZOOM - zoom
    gx = r.c.gx.op(">>")(shift) if shift else r.c.gx
    gy = r.c.gy.op(">>")(shift) if shift else r.c.gy
    area = _area_conditions(f, boundary_set_id)
    # Heat rows: (category, status) per ward, summed over lists of categories and
    # statuses (never `<> 0`: a list keeps every block of the period an index range);
    # (all, all) per ward when the map covers some wards; (all, all) over every ward.
    if f.category or statuses:
        variant = [
            r.c.category_id == _category_id(f)
            if f.category
            else r.c.category_id.in_(db.session.scalars(sa.select(Category.id)).all()),
            r.c.status.in_(statuses or CONCERN_STATUSES),
        ]
    else:
        variant = [
            r.c.category_id == rollup.ALL_CATEGORIES,
            r.c.status == rollup.ALL_STATUSES,
            r.c.ward_id != rollup.EVERY_WARD if area or reach == "wards" else r.c.ward_id == rollup.EVERY_WARD,
        ]
    stmt = sa.select(gx.label("gx"), gy.label("gy"), sa.func.sum(r.c.n)).where(
        r.c.is_demo.is_(f.source == "demo"),
        r.c.zoom == rollup.HEAT_ZOOM,
        *variant,
        rollup.period(r, f.date_from, f.date_to, rollup.HEAT_LEVELS),
    )
    if area:
        stmt = stmt.join(Ward, r.c.ward_id == Ward.id).where(*area)
    if reach == "wards":
        stmt = stmt.where(r.c.ward_id.in_(scope.concern_ward_ids()))
    return {(x, y): int(n) for x, y, n in db.session.execute(stmt.group_by(gx, gy)).all()}


def heat_cells(f: MapFilters, scope: Scope, boundary_set_id: int, zoom: int, use_rollup: bool = True) -> dict:
    """Concern counts in square cells whose size follows the zoom (about 2 km at zoom 10,
    halving with each level), counted by the database: summed from the rollup up to
    its zoom (11), counted directly above it or for officers."""
    zoom = max(8, min(int(zoom), 17))
    cell = cell_degrees(zoom)
    reach = _rollup_reach(scope) if use_rollup and zoom <= rollup.HEAT_ZOOM else None
    if reach is None:
        counts = _direct_heat(f, scope, boundary_set_id, zoom)
    else:
        counts = _rollup_heat(f, scope, boundary_set_id, zoom, reach)
        if reach == "wards":
            counts = _add(counts, _direct_heat(f, scope, boundary_set_id, zoom, beyond_wards=True))
    points = [
        [round(GRID_ORIGIN[1] + (y + 0.5) * cell, 5), round(GRID_ORIGIN[0] + (x + 0.5) * cell, 5), n]
        for (x, y), n in sorted(counts.items())
    ]
    return {"cell_degrees": cell, "zoom": zoom, "max": max((p[2] for p in points), default=0), "points": points}


def choropleth(f: MapFilters, scope: Scope, boundary_set, measure: str = "count", method: str = "quantiles") -> dict:
    """The concerns map as the page draws it and a downloaded map repeats it: each visible
    ward's figures, the wards the authority or designation filters leave out, and the
    classes (over the wards in the selection) with their legend labels."""
    counts = ward_counts(f, scope, boundary_set.id)
    outside = wards_outside_selection(f, boundary_set.id, counts)
    left_out = set(outside)
    classes = map_classes([v[measure] for code, v in counts.items() if code not in left_out], method)
    return dict(
        vintage=boundary_set.vintage,
        filters=f.as_args(),
        measure=measure,
        breaks=[c["upper"] for c in classes["classes"]],
        method=BREAK_METHODS[method],
        total=sum(v["count"] for v in counts.values()),
        wards=counts,
        outside_selection=outside,
        demo=f.source == "demo",
        **classes,
    )
