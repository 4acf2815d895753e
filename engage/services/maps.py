"""Map data: concerns per ward (choropleth), binned density (heat map), class breaks.

Aggregation happens in the database (GROUP BY), never by sending every point to the
browser or looping in Python, so the work grows with wards and bins, not concerns.
"""
from __future__ import annotations

import threading
import warnings
import time as _time
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone

import mapclassify
import numpy as np
import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.models import Category, Concern, LocalAuthority, Meeting, Ward, meeting_ward
from engage.models.base import utcnow
from engage.services.scope import Scope, filter_concerns
from engage.services.workflow import OPEN_STATUSES

# No concern or meeting is older; earlier filter dates are refused.
EARLIEST_FILTER_DATE = date(1900, 1, 1)
BREAK_METHODS = {"quantiles": "Quantiles", "jenks": "Natural breaks (Fisher-Jenks)"}
# Origin for grid bins: west and south of Cleveland, so cell numbers are positive
# and integer truncation is a floor on both engines.
GRID_ORIGIN = (-2.0, 54.0)


@dataclass(frozen=True)
class MapFilters:
    date_from: date
    date_to: date
    category: str | None = None
    lad: str | None = None
    designation: str | None = None
    status: str | None = None      # None = all, 'open', or one status
    source: str = "real"           # 'real' or 'demo': never both in one figure
    errors: tuple = field(default=(), compare=False)

    def as_args(self) -> dict:
        out = {"from": self.date_from.isoformat(), "to": self.date_to.isoformat(), "source": self.source}
        for key in ("category", "lad", "designation", "status"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_args(cls, args, today: date | None = None, default_source: str = "real") -> "MapFilters":
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
        date_from = day("from", date_to - timedelta(days=365))
        if date_from > date_to:
            errors.append("from: the period starts after it ends")
            date_from = date_to - timedelta(days=365)
        source = args.get("source") or default_source
        if source not in ("real", "demo"):
            errors.append(f"source: '{source}' is not real or demo")
            source = default_source
        designation = args.get("designation") or None
        if designation and designation not in ("strengthen", "support", "sustain"):
            errors.append(f"designation: '{designation}' is not strengthen, support or sustain")
            designation = None
        return cls(date_from, date_to, args.get("category") or None, args.get("lad") or None, designation,
                   args.get("status") or None, source, tuple(errors))


def _moment_bounds(f: MapFilters):
    return (datetime.combine(f.date_from, time.min, tzinfo=timezone.utc),
            datetime.combine(f.date_to, time.max, tzinfo=timezone.utc))


def designated_ward_ids(boundary_set_id: int, designation: str, on: date) -> list[int]:
    from engage.services.register import register_entries
    from engage.models import BoundarySet

    boundary_set = db.session.get(BoundarySet, boundary_set_id)
    return [e.ward.id for e in register_entries(boundary_set, on=on) if e.designation == designation]


def concern_filter(stmt, f: MapFilters, scope: Scope, boundary_set_id: int):
    """Apply the filters and the user's scope to a statement over Concern joined to Ward."""
    lo, hi = _moment_bounds(f)
    stmt = stmt.where(Concern.raised_at.between(lo, hi), Concern.is_demo.is_(f.source == "demo"))
    if f.category:
        stmt = stmt.where(Concern.category_id == sa.select(Category.id).where(Category.code == f.category).scalar_subquery())
    if f.lad:
        stmt = stmt.where(Ward.local_authority_id ==
                          sa.select(LocalAuthority.id).where(LocalAuthority.code == f.lad).scalar_subquery())
    if f.designation:
        # Designations belong to the current set's wards; match concerns by ward code.
        codes = sa.select(Ward.code).where(Ward.id.in_(designated_ward_ids(boundary_set_id, f.designation, f.date_to)))
        stmt = stmt.where(Ward.code.in_(codes))
    if f.status == "open":
        stmt = stmt.where(Concern.status.in_(OPEN_STATUSES))
    elif f.status:
        stmt = stmt.where(Concern.status == f.status)
    return filter_concerns(scope, stmt)


def ward_counts(f: MapFilters, scope: Scope, boundary_set_id: int) -> dict[str, dict]:
    """{ward_code: {count, meetings, per_meeting}} for the wards the user may see.
    Concerns recorded in an older vintage count towards the ward with the same code."""
    stmt = concern_filter(sa.select(Ward.code, sa.func.count(Concern.id)).join(Ward, Concern.ward_id == Ward.id),
                          f, scope, boundary_set_id).group_by(Ward.code)
    counts = dict(db.session.execute(stmt).all())
    held = db.session.execute(
        sa.select(Ward.code, sa.func.count(sa.distinct(Meeting.id)))
        .join(meeting_ward, meeting_ward.c.ward_id == Ward.id).join(Meeting, Meeting.id == meeting_ward.c.meeting_id)
        .where(Meeting.status == "held", Meeting.date.between(f.date_from, f.date_to),
               Meeting.is_demo.is_(f.source == "demo"))
        .group_by(Ward.code)
    ).all()
    meetings = dict(held)
    visible = visible_ward_codes(scope, boundary_set_id)
    out = {}
    for code in visible:
        n, m = counts.get(code, 0), meetings.get(code, 0)
        out[code] = {"count": n, "meetings": m, "per_meeting": round(n / m, 2) if m else None}
    return out


def visible_ward_codes(scope: Scope, boundary_set_id: int) -> list[str]:
    stmt = scope.filter_wards(sa.select(Ward.code).where(Ward.boundary_set_id == boundary_set_id))
    return list(db.session.scalars(stmt.order_by(Ward.code)))


def class_breaks(values, method: str = "quantiles", k: int = 5) -> list[float]:
    """Upper bounds of the classes. Counts are skewed (a few wards raise most), so
    equal intervals would put nearly every ward in the first class."""
    data = np.asarray([v for v in values if v is not None], dtype=float)
    if data.size == 0:
        return []
    k = max(1, min(k, len(np.unique(data))))
    if k == 1:
        return [float(data.max())]
    with warnings.catch_warnings():
        # mapclassify says when it falls back from numba or merges classes: fine here.
        warnings.simplefilter("ignore")
        scheme = mapclassify.FisherJenks(data, k=k) if method == "jenks" else mapclassify.Quantiles(data, k=k)
    return [round(float(b), 2) for b in scheme.bins]


def heat_cells(f: MapFilters, scope: Scope, boundary_set_id: int, zoom: int) -> dict:
    """Concern counts in square cells whose size follows the zoom (about 2 km at zoom 10,
    halving with each level), counted by the database."""
    zoom = max(8, min(int(zoom), 17))
    cell = 0.02 / 2 ** (zoom - 10)
    gx = sa.cast((Concern.lon - GRID_ORIGIN[0]) / cell, sa.Integer)
    gy = sa.cast((Concern.lat - GRID_ORIGIN[1]) / cell, sa.Integer)
    stmt = concern_filter(
        sa.select(gx.label("gx"), gy.label("gy"), sa.func.count()).join(Ward, Concern.ward_id == Ward.id)
        .where(Concern.lon.isnot(None)), f, scope, boundary_set_id).group_by(gx, gy)
    rows = db.session.execute(stmt).all()
    points = [[round(GRID_ORIGIN[1] + (y + 0.5) * cell, 5), round(GRID_ORIGIN[0] + (x + 0.5) * cell, 5), n]
              for x, y, n in rows]
    return {"cell_degrees": cell, "zoom": zoom, "max": max((p[2] for p in points), default=0), "points": points}


# --- caching -----------------------------------------------------------------------

class MapCache:
    """Per-process cache of map answers, keyed by filters, scope and the data's
    version (latest concern/meeting change, plus local deletions); entries also
    expire after `ttl` seconds so another process's deletions show within it."""

    def __init__(self, size=256, ttl=300):
        self.size, self.ttl = size, ttl
        self.entries: OrderedDict = OrderedDict()
        self.deletions = 0
        self.lock = threading.Lock()

    def version(self):
        latest = db.session.execute(sa.select(
            sa.select(sa.func.max(Concern.updated_at)).scalar_subquery(),
            sa.select(sa.func.max(Meeting.updated_at)).scalar_subquery(),
        )).one()
        return (str(latest[0]), str(latest[1]), self.deletions)

    def clear(self):
        with self.lock:
            self.entries.clear()

    def get(self, key, compute):
        key = (key, self.version())
        now = _time.monotonic()
        with self.lock:
            hit = self.entries.get(key)
            if hit and now - hit[0] < self.ttl:
                self.entries.move_to_end(key)
                return hit[1]
        value = compute()
        with self.lock:
            self.entries[key] = (now, value)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value


cache = MapCache()


@sa.event.listens_for(so.Session, "after_flush")
def _count_deletions(session, flush_context):
    # A deletion does not move max(updated_at): count it so cached answers are dropped.
    if any(isinstance(obj, (Concern, Meeting)) for obj in session.deleted):
        cache.deletions += 1


def scope_key(scope: Scope):
    # Officers see their own entries, so their answers are their own.
    return (scope.sees_everything, scope.sees_all_wards, tuple(sorted(scope.team_ids)),
            None if scope.sees_everything else scope.user_id)


def filters_key(f: MapFilters):
    data = asdict(f)
    data.pop("errors")
    return tuple(sorted((k, str(v)) for k, v in data.items()))
