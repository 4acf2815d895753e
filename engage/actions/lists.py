"""Lists of actions: a user's and their teams' in the inbox, a concern's on its page, a
ward's on its page and in its brief. Always through the policy's `filter_actions`:
these functions choose and order, the policy decides who sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.policy import Scope, filter_actions
from engage.actions.models import Action
from engage.actions.services import STATUS_LABELS, is_overdue, overdue, owner_label
from engage.concerns.models import Concern
from engage.demo.source import ONLY_REAL, DataSource, source_from
from engage.extensions import db
from engage.platform.dates import day_range, office_day
from engage.platform.paging import Page, page_of

# ?show= on the inbox's action list.
SHOW = {"mine": "Mine", "teams": "My teams'", "overdue": "Overdue"}
# ?status=: open ones only, or done and dropped ones after them.
STATUS_FILTERS = {"open": "Open", "all": "Open, done and dropped"}
# A ward page and a brief list actions done or dropped this recently, after the open ones.
RECENT_DAYS = 90


@dataclass
class ActionFilters:
    show: str | None = None
    status: str = "open"
    source: DataSource = ONLY_REAL
    errors: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> ActionFilters:
        f = cls(show=args.get("show") or None, status=args.get("status") or "open", source=source_from(args))
        if f.show is not None and f.show not in SHOW:
            f.errors["show"] = f"unknown show '{f.show}': use {' or '.join(SHOW)}"
            f.show = None
        if f.status not in STATUS_FILTERS:
            f.errors["status"] = f"unknown status '{f.status}': use {' or '.join(STATUS_FILTERS)}"
            f.status = "open"
        if f.source.error:
            f.errors["source"] = f.source.error
        return f


def open_first():
    """Open before done and dropped; then by due date (none last), then the oldest made."""
    return (sa.case((Action.status == "open", 0), else_=1), Action.due_date.is_(None), Action.due_date, Action.id)


def _mine(scope: Scope):
    return Action.owner_user_id == scope.user_id if scope.user_id is not None else sa.false()


def _my_teams(scope: Scope):
    """Owned by one of the user's teams, or from a concern one of them leads."""
    if not scope.team_ids:
        return sa.false()
    led = sa.select(Concern.id).where(Concern.lead_team_id.in_(scope.team_ids))
    return sa.or_(Action.owner_team_id.in_(scope.team_ids), Action.concern_id.in_(led))


def _inbox_statement(scope: Scope, show: str | None, today: date):
    """The inbox's actions: staff everyone's; anyone else theirs and their teams'."""
    stmt = filter_actions(scope, sa.select(Action))
    if show == "mine":
        stmt = stmt.where(_mine(scope))
    elif show == "teams":
        stmt = stmt.where(_my_teams(scope))
    elif not scope.sees_everything:
        stmt = stmt.where(sa.or_(_mine(scope), _my_teams(scope)))
    if show == "overdue":
        stmt = stmt.where(overdue(today))
    return stmt


def _loaded(stmt):
    return stmt.options(
        so.joinedload(Action.owner_user),
        so.joinedload(Action.owner_team),
        so.joinedload(Action.concern).joinedload(Concern.category),
        so.joinedload(Action.concern).joinedload(Concern.ward),
    )


def inbox_actions(scope: Scope, filters: ActionFilters, today: date, page: int = 1, per_page: int = 50) -> Page:
    """One page of the user's actions, open first in due-date order."""
    stmt = _inbox_statement(scope, filters.show, today)
    if filters.status == "open":
        stmt = stmt.where(Action.status == "open")
    if filters.source.needs_filter:
        stmt = stmt.where(filters.source.condition(Action.is_demo))
    return page_of(_loaded(stmt.order_by(*open_first())), page=page, per_page=per_page)


@dataclass
class ActionCounts:
    open: int
    overdue: int


def inbox_counts(scope: Scope, today: date, demo: bool = False) -> ActionCounts:
    """Open and overdue actions of the user and their teams (staff: everyone's), as the
    inbox's line above its concerns says them."""
    base = _inbox_statement(scope, None, today).where(Action.status == "open", Action.is_demo.is_(demo)).subquery()
    open_n, overdue_n = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(
                sa.func.sum(sa.case((sa.and_(base.c.due_date.isnot(None), base.c.due_date < today), 1), else_=0)), 0
            ),
        ).select_from(base)
    ).one()
    return ActionCounts(int(open_n), int(overdue_n))


def concern_actions(scope: Scope, concern: Concern) -> list[Action]:
    """A concern's actions the user may see (all of them, to whoever sees the concern),
    open first, with their history."""
    stmt = filter_actions(scope, sa.select(Action).where(Action.concern_id == concern.id))
    return db.session.scalars(
        stmt.options(
            so.selectinload(Action.updates), so.joinedload(Action.owner_user), so.joinedload(Action.owner_team)
        ).order_by(*open_first())
    ).all()


@dataclass
class WardAction:
    """One line of a ward's actions, as its page and brief show it."""

    id: int
    title: str
    owner: str
    due_date: date | None
    status: str  # "Open", "Done", "Dropped"
    overdue: bool
    closed_on: date | None
    concern_id: str | None


@dataclass
class WardActions:
    items: list[WardAction]
    total: int
    overdue: int
    recent_days: int = RECENT_DAYS  # closed within this many days are listed

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def ward_actions(
    ward_ids: list[int], scope: Scope, today: date, demo: bool = False, limit: int | None = None
) -> WardActions:
    """The actions from a ward's concerns: the open ones (by due date), then those done
    or dropped in the last RECENT_DAYS (latest first). `limit` caps the list, not the
    counts."""
    recent_from, _ = day_range(today - timedelta(days=RECENT_DAYS), None)
    in_ward = sa.select(Concern.id).where(Concern.ward_id.in_(ward_ids), Concern.is_demo.is_(demo))
    stmt = filter_actions(
        scope,
        sa.select(Action).where(
            Action.concern_id.in_(in_ward),
            sa.or_(Action.status == "open", Action.closed_at >= recent_from),
        ),
    )
    counted = stmt.with_only_columns(Action.id, Action.status, Action.due_date).subquery()
    total, overdue_n = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(
                sa.func.sum(sa.case((sa.and_(counted.c.status == "open", counted.c.due_date < today), 1), else_=0)),
                0,
            ),
        ).select_from(counted)
    ).one()
    ordered = stmt.order_by(
        sa.case((Action.status == "open", 0), else_=1),
        sa.case((sa.and_(Action.status == "open", Action.due_date.is_(None)), 1), else_=0),
        sa.case((Action.status == "open", Action.due_date), else_=None),
        Action.closed_at.desc(),
        Action.id,
    ).options(so.joinedload(Action.owner_user), so.joinedload(Action.owner_team))
    if limit is not None:
        ordered = ordered.limit(limit)
    items = [
        WardAction(
            id=a.id,
            title=a.title,
            owner=owner_label(a),
            due_date=a.due_date,
            status=STATUS_LABELS.get(a.status, a.status),
            overdue=is_overdue(a, today),
            closed_on=office_day(a.closed_at) if a.closed_at else None,
            concern_id=a.concern_id,
        )
        for a in db.session.scalars(ordered).unique()
    ]
    return WardActions(items, int(total or 0), int(overdue_n or 0))
