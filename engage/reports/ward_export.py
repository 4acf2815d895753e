"""The wards export for the Panel appendix: per ward of the current set its designation,
the Your Force Your Voice meetings held in the period, the concerns raised by category,
how many are open and closed, and its last and next meeting. Counted through the same
policy as every page: an inspector's file counts only what they may see."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from engage.accounts.policy import Scope, filter_concerns, filter_meetings
from engage.concerns.models import Category, Concern, Meeting, meeting_ward
from engage.concerns.workflow import OPEN_STATUSES
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from engage.geography.register import register_entries
from engage.platform.dates import day_range
from engage.reports.aggregation import YFYV, Period
from engage.reports.spreadsheet import Column

FIXED_BEFORE = [
    Column("ward_name", "Ward", 24),
    Column("authority", "Local authority", 20),
    Column("designation", "Designation", 20),
    Column("meetings", "Meetings held in the period", 14),
]
FIXED_AFTER = [
    Column("concerns", "Concerns raised", 12),
    Column("open", "Open", 8),
    Column("closed", "Closed", 8),
    Column("last_meeting", "Last meeting", 13),
    Column("next_planned", "Next planned meeting", 13),
    Column("ward_code", "Ward code", 12),
]


def categories() -> list[Category]:
    return db.session.scalars(sa.select(Category).order_by(Category.sort_order, Category.label)).all()


def ward_sheet(cats: list[Category]) -> list[Column]:
    return (
        FIXED_BEFORE
        + [Column(f"category:{c.code}", c.label, max(10, min(len(c.label), 24))) for c in cats]
        + FIXED_AFTER
    )


def ward_csv_columns(cats: list[Category]) -> list[str]:
    """The CSV's names: the keys, with each category's count as category:<code>."""
    return [c.key for c in ward_sheet(cats)]


def _concern_counts(period: Period, source: str, scope: Scope):
    start, end = day_range(period.start, period.end)
    stmt = (
        sa.select(Ward.code, Category.code, Concern.status, sa.func.count())
        .join(Ward, Ward.id == Concern.ward_id)
        .join(Category, Category.id == Concern.category_id)
        .where(Concern.raised_at.between(start, end), Concern.is_demo.is_(source == "demo"))
        .group_by(Ward.code, Category.code, Concern.status)
    )
    return db.session.execute(filter_concerns(scope, stmt)).all()


def _meeting_figures(period: Period, source: str, scope: Scope, today: date):
    held = Meeting.status == "held"
    stmt = (
        sa.select(
            Ward.code,
            sa.func.count(sa.distinct(Meeting.id)).filter(held, Meeting.date.between(period.start, period.end)),
            sa.func.max(Meeting.date).filter(held, Meeting.date <= today),
            sa.func.min(Meeting.date).filter(Meeting.status == "planned", Meeting.date >= today),
        )
        .join(meeting_ward, meeting_ward.c.meeting_id == Meeting.id)
        .join(Ward, Ward.id == meeting_ward.c.ward_id)
        .where(Meeting.kind == YFYV, Meeting.is_demo.is_(source == "demo"))
        .group_by(Ward.code)
    )
    return {code: (n, last, planned) for code, n, last, planned in db.session.execute(filter_meetings(scope, stmt))}


def ward_rows(period: Period, source: str, scope: Scope, today: date):
    """(row, entry) per ward in the user's area, in authority then name order."""
    cats = categories()
    counts: dict[str, dict] = {}
    for code, category, status, n in _concern_counts(period, source, scope):
        is_open = status in OPEN_STATUSES
        ward = counts.setdefault(code, {"open": 0, "closed": 0})
        ward[f"category:{category}"] = ward.get(f"category:{category}", 0) + n
        ward["open" if is_open else "closed"] += n
    meetings = _meeting_figures(period, source, scope, today)
    entries = register_entries(current_boundary_set(), on=today, scope=scope)
    for e in sorted(entries, key=lambda e: (e.ward.local_authority.name, e.ward.name)):
        c = counts.get(e.ward.code, {"open": 0, "closed": 0})
        held, last, planned = meetings.get(e.ward.code, (0, None, None))
        row = {
            "ward_code": e.ward.code,
            "ward_name": e.ward.name,
            "authority": e.ward.local_authority.name,
            "designation": e.designation_label,
            "meetings": held,
            **{f"category:{cat.code}": c.get(f"category:{cat.code}", 0) for cat in cats},
            "concerns": c["open"] + c["closed"],
            "open": c["open"],
            "closed": c["closed"],
            "last_meeting": last,
            "next_planned": planned,
        }
        yield row, e
