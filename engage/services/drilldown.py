"""A ward's figures for its drill-down page: concerns by month, top themes, meetings,
open concerns by status."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import sqlalchemy as sa

from engage.extensions import db
from engage.models import Category, Concern, Meeting, Ward, meeting_ward
from engage.services.scope import Scope, filter_concerns
from engage.services.workflow import LABELS, OPEN_STATUSES


def data_source() -> str:
    """'real' when any real concern exists, else 'demo' if demo data is loaded: figures
    are one or the other, never a mix."""
    real = db.session.scalar(sa.select(sa.exists().where(~Concern.is_demo)))
    demo = db.session.scalar(sa.select(sa.exists().where(Concern.is_demo)))
    return "demo" if demo and not real else "real"


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


def ward_drilldown(ward: Ward, scope: Scope, today: date | None = None, months: int = 24) -> Drilldown:
    today = today or date.today()
    source = data_source()
    starts = month_starts(today, months)
    since = datetime(starts[0].year, starts[0].month, 1, tzinfo=timezone.utc)
    # By ward code, so concerns recorded in an older vintage of the same ward count.
    same_ward = sa.select(Ward.id).where(Ward.code == ward.code)
    base = filter_concerns(scope, sa.select(Concern).where(
        Concern.ward_id.in_(same_ward), Concern.is_demo.is_(source == "demo"))).subquery()
    year, month = sa.extract("year", base.c.raised_at), sa.extract("month", base.c.raised_at)
    rows = db.session.execute(
        sa.select(year, month, sa.func.count()).where(base.c.raised_at >= since).group_by(year, month)
    ).all()
    by_month = {(int(y), int(m)): n for y, m, n in rows}
    year_start = datetime(today.year, 1, 1, tzinfo=timezone.utc)
    top = db.session.execute(
        sa.select(Category.label, sa.func.count()).join(base, base.c.category_id == Category.id)
        .where(base.c.raised_at >= year_start).group_by(Category.label)
        .order_by(sa.func.count().desc(), Category.label).limit(5)
    ).all()
    statuses = dict(db.session.execute(
        sa.select(base.c.status, sa.func.count()).where(base.c.status.in_(OPEN_STATUSES)).group_by(base.c.status)
    ).all())
    meetings = sa.select(Meeting).where(
        Meeting.id.in_(sa.select(meeting_ward.c.meeting_id).where(meeting_ward.c.ward_id.in_(same_ward))),
        Meeting.is_demo.is_(source == "demo"))
    held = db.session.scalars(meetings.where(Meeting.status == "held", Meeting.date <= today)
                              .order_by(Meeting.date.desc()).limit(10)).all()
    planned = db.session.scalars(meetings.where(Meeting.status == "planned", Meeting.date >= today)
                                 .order_by(Meeting.date).limit(10)).all()
    return Drilldown(
        source=source,
        months=[(start, by_month.get((start.year, start.month), 0)) for start in starts],
        top_categories=[tuple(r) for r in top],
        open_by_status=[(LABELS[s], statuses.get(s, 0)) for s in OPEN_STATUSES],
        held=list(held), planned=list(planned),
    )
