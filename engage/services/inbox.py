"""The inspector's inbox: concerns routed to their teams, filtered and counted."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.models import Category, Concern, Meeting, Ward, meeting_ward
from engage.models.base import utcnow
from engage.services.scope import Scope, filter_concerns, filter_meetings, routed_to_teams
from engage.services.workflow import LABELS, OPEN_STATUSES


@dataclass
class InboxFilters:
    ward: str | None = None
    category: str | None = None
    status: str = "open"        # 'open', 'all' or one status
    older_than_days: int | None = None
    team_id: int | None = None
    queue: str | None = None     # 'triage': concerns with no lead team
    include_demo: bool = True
    errors: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> "InboxFilters":
        f = cls(ward=(args.get("ward") or "").upper() or None, category=args.get("category") or None,
                status=args.get("status") or "open", queue=args.get("queue") or None)
        if f.status not in ("open", "all", *LABELS):
            f.errors["status"] = f"unknown status '{f.status}'"
            f.status = "open"
        for name, arg in (("older_than_days", "older"), ("team_id", "team")):
            raw = args.get(arg)
            if raw:
                try:
                    setattr(f, name, int(raw))
                except ValueError:
                    f.errors[name] = f"'{raw}' is not a whole number"
        return f


def _base(scope: Scope, filters: InboxFilters):
    stmt = sa.select(Concern)
    if scope.sees_everything:
        pass
    elif scope.team_ids:
        # The inbox is what is routed to the inspector's teams, not all they may read.
        stmt = stmt.where(routed_to_teams(scope.team_ids))
    else:
        stmt = filter_concerns(scope, stmt)
    if filters.queue == "triage":
        stmt = stmt.where(Concern.lead_team_id.is_(None))
    if filters.team_id:
        stmt = stmt.where(routed_to_teams([filters.team_id]))
    if filters.ward:
        stmt = stmt.join(Concern.ward).where(Ward.code == filters.ward)
    if filters.category:
        stmt = stmt.join(Concern.category).where(Category.code == filters.category)
    if filters.older_than_days:
        stmt = stmt.where(Concern.raised_at <= utcnow() - timedelta(days=filters.older_than_days))
    if not filters.include_demo:
        stmt = stmt.where(~Concern.is_demo)
    return stmt


def _with_status(stmt, status):
    if status == "open":
        return stmt.where(Concern.status.in_(OPEN_STATUSES))
    if status == "all":
        return stmt
    return stmt.where(Concern.status == status)


def inbox_page(scope: Scope, filters: InboxFilters, page: int = 1, per_page: int = 50):
    stmt = _with_status(_base(scope, filters), filters.status).order_by(Concern.raised_at.desc(), Concern.id)
    stmt = stmt.options(so.selectinload(Concern.copied_teams), so.joinedload(Concern.lead_team))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def status_counts(scope: Scope, filters: InboxFilters) -> dict[str, int]:
    base = _base(scope, filters).subquery()
    rows = db.session.execute(sa.select(base.c.status, sa.func.count()).group_by(base.c.status)).all()
    counts = {status: 0 for status in LABELS}
    counts.update(dict(rows))
    counts["open"] = sum(counts[s] for s in OPEN_STATUSES)
    counts["all"] = sum(counts[s] for s in LABELS)
    return counts


def age_days(concern: Concern, now: datetime | None = None) -> int:
    now = now or utcnow()
    raised = concern.raised_at if concern.raised_at.tzinfo else concern.raised_at.replace(tzinfo=now.tzinfo)
    return max((now - raised).days, 0)


@dataclass
class WardOverview:
    ward: Ward
    open_concerns: list
    recent_meetings: list
    planned_meetings: list
    top_categories: list  # [(label, count)]


def ward_overview(ward: Ward, scope: Scope, today: date | None = None) -> WardOverview:
    today = today or date.today()
    year_start = datetime(today.year, 1, 1, tzinfo=utcnow().tzinfo)
    in_ward = filter_concerns(scope, sa.select(Concern).where(Concern.ward_id == ward.id))
    open_concerns = db.session.scalars(
        in_ward.where(Concern.status.in_(OPEN_STATUSES)).order_by(Concern.raised_at)
    ).all()
    this_year = in_ward.where(Concern.raised_at >= year_start).subquery()
    top = db.session.execute(
        sa.select(Category.label, sa.func.count()).join(this_year, this_year.c.category_id == Category.id)
        .group_by(Category.label).order_by(sa.func.count().desc(), Category.label).limit(5)
    ).all()
    meetings = sa.select(Meeting).where(
        Meeting.id.in_(sa.select(meeting_ward.c.meeting_id).where(meeting_ward.c.ward_id == ward.id))
    )
    recent = db.session.scalars(
        meetings.where(Meeting.date <= today, Meeting.status == "held").order_by(Meeting.date.desc()).limit(5)
    ).all()
    planned = db.session.scalars(
        meetings.where(Meeting.date >= today, Meeting.status == "planned").order_by(Meeting.date).limit(5)
    ).all()
    return WardOverview(ward, list(open_concerns), list(recent), list(planned), [tuple(r) for r in top])
