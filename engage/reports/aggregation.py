"""Every figure the Panel report, the coverage page and the exports quote comes from
here, so a number can be traced to one query (and tested against a direct one).

Figures are over real data or over demo data, never a mix (`source`).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.concerns.link_columns import link_columns
from engage.concerns.models import Category, Concern, Meeting, ReportBack
from engage.concerns.reporting_back import Judged, judged
from engage.concerns.workflow import OPEN_STATUSES
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from engage.geography.register import register_entries
from engage.platform.dates import day_range

YFYV = "your_force_your_voice"

ACTIONED = ("action_taken", "closed")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def moments(self):
        return day_range(self.start, self.end)

    def label(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


def _demo(model, source):
    return model.is_demo.is_(source == "demo")


def held_meetings(period: Period, source: str, kind: str | None = YFYV, other_kinds: bool = False):
    stmt = sa.select(Meeting).where(
        Meeting.status == "held", Meeting.date.between(period.start, period.end), _demo(Meeting, source)
    )
    if kind and other_kinds:
        stmt = stmt.where(Meeting.kind != kind)
    elif kind:
        stmt = stmt.where(Meeting.kind == kind)
    return db.session.scalars(stmt.options(so.selectinload(Meeting.wards)).order_by(Meeting.date, Meeting.venue)).all()


@dataclass
class ThemeRow:
    code: str
    label: str
    count: int
    residents: int
    previous: int

    @property
    def change(self) -> int:
        return self.count - self.previous

    @property
    def change_label(self) -> str:
        if self.previous == 0:
            return "new" if self.count else "–"
        pct = round(100 * self.change / self.previous)
        return f"{'+' if pct > 0 else ''}{pct}%"


def _concerns_in(period: Period, source: str):
    lo, hi = period.moments()
    return sa.select(Concern).where(Concern.raised_at.between(lo, hi), _demo(Concern, source))


def themes(period: Period, source: str) -> list[ThemeRow]:
    def counts(p):
        sub = _concerns_in(p, source).subquery()
        rows = db.session.execute(
            sa.select(Category.code, Category.label, sa.func.count(), sa.func.coalesce(sa.func.sum(sub.c.residents), 0))
            .join(sub, sub.c.category_id == Category.id)
            .group_by(Category.code, Category.label)
        ).all()
        return {code: (label, n, residents) for code, label, n, residents in rows}

    now, before = counts(period), counts(period.previous())
    rows = [
        ThemeRow(code, label, n, int(residents), before.get(code, (None, 0))[1])
        for code, (label, n, residents) in now.items()
    ]
    return sorted(rows, key=lambda r: (-r.count, r.label))


def current_ward_count() -> int:
    """The wards of the current boundary set: the programme's "all of Cleveland's 79"."""
    boundary_set = current_boundary_set()
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Ward).where(Ward.boundary_set_id == boundary_set.id)
    )


def designation_by_ward_code(on: date) -> dict[str, str]:
    """{ward code: "Strengthen", or "Strengthen (sample)" for a sample designation}: a
    sample designation is labelled wherever it shows, the report included."""
    boundary_set = current_boundary_set()
    return {e.ward.code: e.designation_label for e in register_entries(boundary_set, on=on) if e.designation}


DESIGNATION_ORDER = ("Strengthen", "Support", "Sustain", "Not recorded")


def themes_by_designation(period: Period, source: str) -> dict[str, dict[str, int]]:
    """{designation label: {category label: count}}, wards without one under "Not recorded"."""
    designations = designation_by_ward_code(period.end)
    sub = _concerns_in(period, source).subquery()
    rows = db.session.execute(
        sa.select(Ward.code, Category.label, sa.func.count())
        .join(sub, sub.c.ward_id == Ward.id)
        .join(Category, Category.id == sub.c.category_id)
        .group_by(Ward.code, Category.label)
    ).all()
    out: dict[str, dict[str, int]] = {}
    for code, label, n in rows:
        key = designations.get(code) or "Not recorded"
        out.setdefault(key, {})
        out[key][label] = out[key].get(label, 0) + n
    ordered = sorted(out, key=lambda k: (DESIGNATION_ORDER.index(k.split(" (")[0]), k))
    return {k: dict(sorted(out[k].items(), key=lambda kv: (-kv[1], kv[0]))) for k in ordered}


@dataclass
class Outcomes:
    raised: int
    actioned: int
    no_action: int
    open: int
    median_days_to_first_action: float | None
    examples: list = field(default_factory=list)  # (category label, ward name, we_did)


def outcomes(period: Period, source: str) -> Outcomes:
    """Counted by the database; only the two times the median needs are read per
    concern, and examples until twelve distinct ones are found (a year at a million
    concerns is half a million of them: loading each as an object took minutes)."""
    lo, hi = period.moments()
    in_period = [Concern.raised_at.between(lo, hi), _demo(Concern, source)]

    def count(*conditions):
        return sa.func.count().filter(*conditions) if conditions else sa.func.count()

    raised, actioned, no_action, open_ = db.session.execute(
        sa.select(
            count(),
            count(Concern.status.in_(ACTIONED)),
            count(Concern.status == "no_action"),
            count(Concern.status.in_(OPEN_STATUSES)),
        ).where(*in_period)
    ).one()
    waits = []
    for raised_at, acted in db.session.execute(
        sa.select(Concern.raised_at, Concern.first_action_at)
        .where(*in_period, Concern.first_action_at.isnot(None))
        .execution_options(yield_per=10_000)
    ):
        waits.append(max((acted - raised_at).total_seconds(), 0) / 86400)
    examples = []
    rows = db.session.execute(
        sa.select(Category.label, sa.func.coalesce(Ward.name, ""), Concern.we_did)
        .join(Category, Category.id == Concern.category_id)
        .outerjoin(Ward, Ward.id == Concern.ward_id)
        .where(*in_period, Concern.status.in_(ACTIONED), Concern.we_did != "")
        .order_by(Concern.raised_at, Concern.id)
        .execution_options(yield_per=500)
    )
    for example in rows:
        if tuple(example) not in examples:
            examples.append(tuple(example))
            if len(examples) == 12:
                break
    rows.close()
    return Outcomes(
        raised=raised,
        actioned=actioned,
        no_action=no_action,
        open=open_,
        median_days_to_first_action=round(statistics.median(waits), 1) if waits else None,
        examples=examples,
    )


@dataclass
class AuthorityMeetings:
    name: str
    code: str
    meetings: int
    residents: int
    wards: list[tuple[str, int]]  # (ward name, meetings)


def meetings_by_authority(meetings) -> list[AuthorityMeetings]:
    by_la: dict[str, dict] = {}
    for m in meetings:
        seen = set()
        for w in m.wards:
            la = w.local_authority
            entry = by_la.setdefault(la.code, {"name": la.name, "meetings": set(), "residents": 0, "wards": {}})
            entry["wards"][w.name] = entry["wards"].get(w.name, 0) + 1
            if la.code not in seen:
                seen.add(la.code)
                entry["meetings"].add(m.id)
                entry["residents"] += m.attendance or 0
    return [
        AuthorityMeetings(v["name"], code, len(v["meetings"]), v["residents"], sorted(v["wards"].items()))
        for code, v in sorted(by_la.items())
    ]


def meetings_since(start: date, until: date, source: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Meeting)
        .where(
            Meeting.kind == YFYV, Meeting.status == "held", Meeting.date.between(start, until), _demo(Meeting, source)
        )
    )


def future_meetings(after: date, source: str, limit: int = 100):
    return db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.status == "planned", Meeting.date > after, _demo(Meeting, source))
        .options(so.selectinload(Meeting.wards))
        .order_by(Meeting.date, Meeting.start_time)
        .limit(limit)
    ).all()


def concerns_per_meeting(meeting_ids) -> dict[str, int]:
    if not meeting_ids:
        return {}
    rows = db.session.execute(
        sa.select(Concern.meeting_id, sa.func.count())
        .where(Concern.meeting_id.in_(meeting_ids))
        .group_by(Concern.meeting_id)
    ).all()
    return dict(rows)


# --- coverage ----------------------------------------------------------------------


def ward_meetings(period: Period, source: str, today: date) -> dict[str, tuple[bool, date | None, date | None]]:
    """{ward code: (a Your Force Your Voice meeting held in the period, the last held up
    to today, the first planned from today)}, for wards with any. By ward code: a meeting
    recorded against an older vintage's ward still counts. Per ward (of any vintage), three
    probes along ix_meeting_ward_ward_status_date (meeting_ward carries the meeting's date,
    status, kind and source), whatever the number of meetings."""
    links = link_columns.c
    mine = [links.ward_id == Ward.id, links.kind == YFYV, links.is_demo.is_(source == "demo")]
    held = [*mine, links.status == "held"]
    out: dict[str, tuple[bool, date | None, date | None]] = {}
    for code, in_period_last, last, planned in db.session.execute(
        sa.select(
            Ward.code,
            sa.select(sa.func.max(links.date)).where(*held, links.date <= period.end).scalar_subquery(),
            sa.select(sa.func.max(links.date)).where(*held, links.date <= today).scalar_subquery(),
            sa.select(sa.func.min(links.date))
            .where(*mine, links.status == "planned", links.date >= today)
            .scalar_subquery(),
        )
    ):
        visited = in_period_last is not None and in_period_last >= period.start
        was = out.get(code, (False, None, None))
        out[code] = (
            was[0] or visited,
            max(filter(None, (was[1], last)), default=None),
            min(filter(None, (was[2], planned)), default=None),
        )
    return {code: v for code, v in out.items() if any(v)}


def reported_back(period: Period, source: str) -> Judged:
    """How many concerns were reported back at meetings in the period (marked then, UTC
    days as every figure here), and how residents judged what was done: each concern
    once, by its latest mark in the period. Demo marks only in a demo report."""
    lo, hi = period.moments()
    latest: dict[str, str] = {}
    for concern_id, view in db.session.execute(
        sa.select(ReportBack.concern_id, ReportBack.view)
        .where(ReportBack.marked_at.between(lo, hi), _demo(ReportBack, source))
        .order_by(ReportBack.marked_at, ReportBack.recorded_at, ReportBack.id)
    ):
        latest[concern_id] = view
    return judged(latest.values())
