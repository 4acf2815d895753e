"""A ward's figures for its drill-down page: concerns by month, top themes, meetings,
open concerns by status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from engage.accounts.policy import Scope, filter_concerns
from engage.concerns.link_columns import link_columns
from engage.concerns.models import Category, Concern, Meeting
from engage.concerns.workflow import LABELS, OPEN_STATUSES
from engage.extensions import db
from engage.geography.models import Ward
from engage.maps import rollup
from engage.platform.dates import day_range


def month_starts(today: date, months: int) -> list[date]:
    out, year, month = [], today.year, today.month
    for _ in range(months):
        out.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(out))


@dataclass
class Drilldown:
    source: str
    months: list[tuple[date, int]]
    top_categories: list[tuple[str, int]]
    open_by_status: list[tuple[str, int]]
    held: list
    planned: list

    @property
    def max_month(self) -> int:
        return max((n for _, n in self.months), default=0)


def rollup_reaches(ward_ids: list[int], scope: Scope) -> bool:
    """Whether this user sees every concern of these wards, so the rollup can count
    them (Scope.reads_every_concern_in): staff and admin, inspectors whose INTs cover
    all wards or these. Officers see only their own entries and partner agencies only
    what is routed to them, which the rollup cannot tell apart."""
    return scope.reads_every_concern_in(ward_ids)


def _demo_condition(r, demo: bool | None):
    return r.c.is_demo.in_([False, True]) if demo is None else r.c.is_demo.is_(demo)


def _rollup_counts(ward_ids, demo: bool | None, runs: list[tuple[int, int, int]], categories=None) -> list[tuple]:
    """(level, bucket, category_id, n) summed over the wards from the ward-total rows of
    concern_rollup (every status) for the time blocks `runs` ((level, first bucket,
    last bucket), as rollup.time_blocks gives them): every category together, or per
    category of `categories` (a list, not `<> 0`, so each block is an index range).
    `demo` None counts real and demo concerns together."""
    r = rollup.concern_rollup
    buckets: dict[int, list[int]] = {}
    for level, a, b in runs:
        buckets.setdefault(level, []).extend(range(a, b + 1))
    stmt = (
        sa.select(r.c.level, r.c.bucket, r.c.category_id, sa.func.sum(r.c.n))
        .where(
            _demo_condition(r, demo),
            r.c.zoom == rollup.WARD_ZOOM,
            r.c.ward_id.in_(ward_ids),
            r.c.category_id.in_(categories) if categories else r.c.category_id == rollup.ALL_CATEGORIES,
            r.c.status == rollup.ALL_STATUSES,
            sa.or_(*(sa.and_(r.c.level == level, r.c.bucket.in_(found)) for level, found in buckets.items())),
        )
        .group_by(r.c.level, r.c.bucket, r.c.category_id)
    )
    return [tuple(row) for row in db.session.execute(stmt).all()]


def _month_end(start: date) -> date:
    return (date(start.year + 1, 1, 1) if start.month == 12 else date(start.year, start.month + 1, 1)) - timedelta(
        days=1
    )


def rollup_top_categories(ward_ids, demo: bool | None, since: date, limit: int = 5) -> list[tuple[str, int]]:
    """The most raised themes since a day (UTC), as (label, count), from the rollup.
    Ties by label, as the direct query orders them."""
    labels = dict(db.session.execute(sa.select(Category.id, Category.label)).all())
    by_label: dict[str, int] = {}
    # The direct queries have no end: a year past today covers any concern dated ahead.
    runs = rollup.time_blocks(since, max(since, date.today()) + timedelta(days=366))
    for _, _, category_id, n in _rollup_counts(ward_ids, demo, runs, categories=list(labels)):
        by_label[labels[category_id]] = by_label.get(labels[category_id], 0) + int(n)
    return sorted(by_label.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def rollup_open_by_status(ward_ids, demo: bool | None) -> dict[str, int]:
    """Open concerns of the wards by status, from the rollup: every concern is in
    exactly one block of the longest length, so all time is the sum of those."""
    r = rollup.concern_rollup
    rows = db.session.execute(
        sa.select(r.c.status, sa.func.sum(r.c.n))
        .where(
            _demo_condition(r, demo),
            r.c.zoom == rollup.WARD_ZOOM,
            r.c.ward_id.in_(ward_ids),
            r.c.category_id == rollup.ALL_CATEGORIES,
            r.c.status.in_(OPEN_STATUSES),
            r.c.level == max(rollup.WARD_LEVELS),
        )
        .group_by(r.c.status)
    ).all()
    return {status: int(n) for status, n in rows}


def _rollup_figures(ward_ids, demo: bool, today: date, starts: list[date]):
    """By month, top themes this year and open by status, summed from the rollup: a
    few hundred rows whatever the number of concerns. Days are UTC days, as the
    direct queries' are on SQLite and on a PostgreSQL session in UTC."""
    runs, month_of = [], {}
    for start in starts:
        for level, a, b in rollup.time_blocks(start, _month_end(start)):
            runs.append((level, a, b))
            month_of.update({(level, bucket): (start.year, start.month) for bucket in range(a, b + 1)})
    by_month: dict[tuple[int, int], int] = {}
    for level, bucket, _, n in _rollup_counts(ward_ids, demo, runs):
        key = month_of[(level, bucket)]
        by_month[key] = by_month.get(key, 0) + int(n)
    top = rollup_top_categories(ward_ids, demo, date(today.year, 1, 1))
    return by_month, top, rollup_open_by_status(ward_ids, demo)


def ward_meetings(ward_ids, status: str, today: date, demo: bool | None, limit: int) -> list:
    """The wards' meetings held up to today, newest first, or planned from today,
    soonest first: read along ix_meeting_ward_ward_status_date (meeting_ward carries
    the meeting's date, status and source), so as many links as shown are read, not
    every meeting the ward ever had. `demo` None: real and demo alike."""
    links = link_columns.c
    held = status == "held"
    conditions = [
        links.ward_id.in_(ward_ids),
        links.status == status,
        links.date <= today if held else links.date >= today,
    ]
    if demo is not None:
        conditions.append(links.is_demo.is_(demo))
    ids: list[str] = []
    # A meeting is linked once per ward: limit links per ward give `limit` meetings.
    for meeting_id in db.session.scalars(
        sa.select(links.meeting_id)
        .where(*conditions)
        .order_by(links.date.desc() if held else links.date)
        .limit(limit * max(len(ward_ids), 1))
    ):
        if meeting_id not in ids:
            ids.append(meeting_id)
    meetings = {m.id: m for m in db.session.scalars(sa.select(Meeting).where(Meeting.id.in_(ids[:limit])))}
    return [meetings[i] for i in ids[:limit] if i in meetings]


def _direct_figures(ward_ids, scope: Scope, demo: bool, today: date, since: datetime):
    base = filter_concerns(
        scope, sa.select(Concern).where(Concern.ward_id.in_(ward_ids), Concern.is_demo.is_(demo))
    ).subquery()
    year, month = sa.extract("year", base.c.raised_at), sa.extract("month", base.c.raised_at)
    rows = db.session.execute(
        sa.select(year, month, sa.func.count()).where(base.c.raised_at >= since).group_by(year, month)
    ).all()
    by_month = {(int(y), int(m)): n for y, m, n in rows}
    year_start, _ = day_range(date(today.year, 1, 1), None)
    top = db.session.execute(
        sa.select(Category.label, sa.func.count())
        .join(base, base.c.category_id == Category.id)
        .where(base.c.raised_at >= year_start)
        .group_by(Category.label)
        .order_by(sa.func.count().desc(), Category.label)
        .limit(5)
    ).all()
    statuses = dict(
        db.session.execute(
            sa.select(base.c.status, sa.func.count()).where(base.c.status.in_(OPEN_STATUSES)).group_by(base.c.status)
        ).all()
    )
    return by_month, [tuple(r) for r in top], statuses


def ward_drilldown(
    ward: Ward,
    scope: Scope,
    today: date | None = None,
    months: int = 24,
    use_rollup: bool = True,
    source: str = "real",
) -> Drilldown:
    """Counted from the rollup when the user sees every concern of the ward (so the
    page costs the same at any number of concerns), else from the concerns they may
    see; `use_rollup=False` counts directly (same answers). Real or demo figures
    (`source`, engage/demo/source.py), never both."""
    today = today or date.today()
    starts = month_starts(today, months)
    since, _ = day_range(starts[0].replace(day=1), None)
    # By ward code, so concerns recorded in an older vintage of the same ward count.
    same_ward = sa.select(Ward.id).where(Ward.code == ward.code)
    ward_ids = list(db.session.scalars(same_ward))
    if use_rollup and rollup_reaches(ward_ids, scope):
        by_month, top, statuses = _rollup_figures(ward_ids, source == "demo", today, starts)
    else:
        by_month, top, statuses = _direct_figures(ward_ids, scope, source == "demo", today, since)
    shown = scope.sees_meetings_in(ward_ids)
    held = ward_meetings(ward_ids, "held", today, source == "demo", 10) if shown else []
    planned = ward_meetings(ward_ids, "planned", today, source == "demo", 10) if shown else []
    return Drilldown(
        source=source,
        months=[(start, by_month.get((start.year, start.month), 0)) for start in starts],
        top_categories=top,
        open_by_status=[(LABELS[s], statuses.get(s, 0)) for s in OPEN_STATUSES],
        held=list(held),
        planned=list(planned),
    )
