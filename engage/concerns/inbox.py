"""The inspector's inbox: concerns routed to their teams, filtered and counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.policy import Scope, filter_concerns, routed_to_teams
from engage.concerns.link_columns import copy_columns
from engage.concerns.models import Category, Concern, concern_copy
from engage.concerns.workflow import LABELS, OPEN_STATUSES
from engage.demo.source import ONLY_REAL, DataSource, source_from
from engage.extensions import db
from engage.geography.models import Ward
from engage.geography.ward_names import resolve_ward
from engage.maps.drilldown import rollup_open_by_status, rollup_reaches, rollup_top_categories, ward_meetings
from engage.platform import paging
from engage.platform.dates import day_range
from engage.platform.db import utcnow
from engage.platform.paging import Count, Page, bounded_count, bounded_counts, page_of
from engage.platform.parameters import DATABASE_MAX_INTEGER, BadParameter, whole_number
from engage.teams.models import Team

MAX_OLDER_DAYS = 36_500


@dataclass
class InboxFilters:
    ward: str | None = None  # the ward's code, from its name or code as typed (resolve_ward)
    ward_shown: str = ""  # what the ward box shows again
    category: str | None = None
    status: str = "open"  # 'open', 'all' or one status
    older_than_days: int | None = None
    team_id: int | None = None
    queue: str | None = None  # 'triage': concerns with no lead team
    source: DataSource = ONLY_REAL  # real or demo concerns, never both (engage/demo/source.py)
    errors: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict, repr=False, compare=False)  # _looked_up's, once a request

    @classmethod
    def from_args(cls, args) -> InboxFilters:
        ward = resolve_ward(args.get("ward"))
        f = cls(
            ward=ward.ward.code if ward.ward else None,
            ward_shown=ward.shown,
            category=args.get("category") or None,
            status=args.get("status") or "open",
            queue=args.get("queue") or None,
            source=source_from(args),
        )
        if ward.problem:
            f.errors["ward"] = ward.problem
        if f.source.error:
            f.errors["source"] = f.source.error
        if f.status not in ("open", "all", *LABELS):
            f.errors["status"] = f"unknown status '{f.status}'"
            f.status = "open"
        # Days back to year 1 would overflow the date; a century is the most that means anything.
        for name, arg, lowest, highest in (
            ("older_than_days", "older", 0, MAX_OLDER_DAYS),
            ("team_id", "team", 1, DATABASE_MAX_INTEGER),
        ):
            try:
                setattr(f, name, whole_number(args, arg, minimum=lowest, maximum=highest))
            except BadParameter as exc:
                f.errors[name] = str(exc)
        return f


def _looked_up(filters: InboxFilters, model, code: str) -> list[int]:
    """The ids of the wards or categories with this code, looked up once for the
    filters however many statements use them."""
    key = (model.__tablename__, code)
    if key not in filters.ids:
        filters.ids[key] = db.session.scalars(sa.select(model.id).where(model.code == code)).all()
    return filters.ids[key]


def _filtered(stmt, filters: InboxFilters):
    """The inbox filters (not the user's scope, nor the team filter: see _inbox) on a
    statement over Concern."""
    if filters.queue == "triage":
        stmt = stmt.where(Concern.lead_team_id.is_(None))
    # Ward and category as ids, looked up first: a join on the code leaves the planner
    # guessing which ward, and it then reads every concern of the ward to sort them.
    if filters.ward:
        stmt = stmt.where(Concern.ward_id.in_(_looked_up(filters, Ward, filters.ward)))
    if filters.category:
        stmt = stmt.where(Concern.category_id.in_(_looked_up(filters, Category, filters.category)))
    if filters.older_than_days:
        stmt = stmt.where(Concern.raised_at <= utcnow() - timedelta(days=filters.older_than_days))
    if filters.source.needs_filter:
        stmt = stmt.where(filters.source.condition(Concern.is_demo))
    return stmt


class _Arm:
    """A statement over Concern and the columns that hold, for its rows, the concern's
    status, raised_at and id (for concerns copied to one team: concern_copy's, which
    triggers keep equal to the concern's, so one index orders and counts them)."""

    def __init__(self, stmt, status=None, raised_at=None, id=None, counted=None):
        self.stmt = stmt
        self.status = Concern.status if status is None else status
        self.raised_at = Concern.raised_at if raised_at is None else raised_at
        self.id = Concern.id if id is None else id
        # The same rows without reading the concerns, to count them (copies, unfiltered).
        self.counted = counted

    def where(self, *conditions) -> _Arm:
        return _Arm(self.stmt.where(*conditions), self.status, self.raised_at, self.id)

    def with_status(self, status: str, counting: bool = False):
        stmt = self.counted if counting and self.counted is not None else self.stmt
        if status == "open":
            return stmt.where(self.status.in_(OPEN_STATUSES))
        if status == "all":
            return stmt
        return stmt.where(self.status == status)

    def newest_first(self):
        return (self.raised_at.desc(), self.id)


def _led_by(team_ids) -> _Arm:
    return _Arm(sa.select(Concern).where(Concern.lead_team_id.in_(team_ids)))


def _copied_to(team_ids) -> _Arm:
    team_ids = list(team_ids)
    if len(team_ids) == 1:  # one row per concern: joined, and read along the copy's index
        copy = copy_columns.c
        return _Arm(
            sa.select(Concern).join(copy_columns, sa.and_(copy.concern_id == Concern.id, copy.team_id == team_ids[0])),
            copy.status,
            copy.raised_at,
            copy.concern_id,
            counted=sa.select(copy.concern_id).where(copy.team_id == team_ids[0]),
        )
    return _Arm(
        sa.select(Concern).where(
            Concern.id.in_(sa.select(concern_copy.c.concern_id).where(concern_copy.c.team_id.in_(team_ids)))
        )
    )


@dataclass
class _Inbox:
    """The inbox as arms over Concern whose union is what it holds: one; for
    concerns routed to teams two, those the teams lead and those copied to them
    (`overlap`: the condition that puts a row of the second in the first); or
    several that share no concern (`overlap` None: see _by_lead_team). Apart, each is
    read newest first along an index and stops after a page, and counted along an
    index; as one OR, the database sorts and counts every concern routed to the team
    on each visit."""

    arms: list
    overlap: object = None


def _by_lead_team(filters: InboxFilters) -> _Inbox:
    """Every concern of a ward and category, as one arm per lead team (and one for
    the triage queue) holding any: no index leads with ward and category, and the one
    that has them after the lead team, (lead team, ward, category, status, raised_at),
    then gives each arm newest first and its count per status, as a skip scan over
    the lead team would (PostgreSQL 15 has none). Without it, the ward's concerns of a
    status are read and each one's category checked: at a million concerns, tens of
    thousands per ward to count them. Which teams lead any is one probe of that index
    per team (a few dozen at most), in one statement."""

    def holding(condition):
        return _filtered(sa.select(Concern.id).where(condition), filters).exists()

    leads = sa.union_all(
        sa.select(Team.id).where(holding(Concern.lead_team_id == Team.id)),
        sa.select(sa.null()).where(holding(Concern.lead_team_id.is_(None))),
    )
    arms = [
        _Arm(
            sa.select(Concern).where(
                Concern.lead_team_id.is_(None) if team_id is None else Concern.lead_team_id == team_id
            )
        )
        for team_id in db.session.scalars(leads).all()
    ]
    return _Inbox(arms or [_Arm(sa.select(Concern).where(sa.false()))])


def _inbox(scope: Scope, filters: InboxFilters) -> _Inbox:
    # The inbox is what is routed to the inspector's teams, not all they may read.
    if scope.sees_everything and filters.team_id:
        inbox = _Inbox(
            [_led_by([filters.team_id]), _copied_to([filters.team_id])], Concern.lead_team_id == filters.team_id
        )
    elif scope.sees_everything and filters.ward and filters.category and not filters.queue:
        inbox = _by_lead_team(filters)
    elif scope.sees_everything:
        inbox = _Inbox([_Arm(sa.select(Concern))])
    elif scope.team_ids:
        inbox = _Inbox([_led_by(scope.team_ids), _copied_to(scope.team_ids)], Concern.lead_team_id.in_(scope.team_ids))
    else:
        inbox = _Inbox([_Arm(filter_concerns(scope, sa.select(Concern)))])
    if filters.team_id and not scope.sees_everything:
        inbox.arms = [arm.where(routed_to_teams([filters.team_id])) for arm in inbox.arms]
    unfiltered = not (
        filters.queue
        or filters.ward
        or filters.category
        or filters.older_than_days
        or filters.source.needs_filter
        or (filters.team_id and not scope.sees_everything)
    )
    inbox.arms = [
        _Arm(_filtered(arm.stmt, filters), arm.status, arm.raised_at, arm.id, arm.counted if unfiltered else None)
        for arm in inbox.arms
    ]
    return inbox


def _statuses(status: str) -> tuple[str, ...]:
    if status == "open":
        return OPEN_STATUSES
    if status == "all":
        return tuple(LABELS)
    return (status,)


NEWEST_FIRST = (Concern.raised_at.desc(), Concern.id)


def _counts(inbox: _Inbox, statuses) -> dict[str, Count]:
    """{status: Count} of the inbox, each counted up to paging.COUNT_LIMIT. Arms are
    counted apart (along their indexes) and summed; two that overlap have their
    overlap taken off once: |A or B| = |A| + |B| - |B and in A|."""
    limit = paging.COUNT_LIMIT
    if inbox.overlap is None:
        parts = bounded_counts(
            {
                (status, i): arm.with_status(status, counting=True)
                for status in statuses
                for i, arm in enumerate(inbox.arms)
            }
        )
        sums = {status: sum((parts[(status, i)] for i in range(len(inbox.arms))), Count(0)) for status in statuses}
        return {status: Count(limit, True) if n.capped or n.n > limit else n for status, n in sums.items()}
    first, second = inbox.arms
    parts = bounded_counts(
        {
            (status, part): arm.with_status(status, counting=True)
            for status in statuses
            for part, arm in (("a", first), ("b", second), ("ab", second.where(inbox.overlap)))
        }
    )
    out = {}
    for status in statuses:
        a, b, ab = parts[(status, "a")], parts[(status, "b")], parts[(status, "ab")]
        n = a.n + b.n - ab.n
        out[status] = Count(limit, True) if a.capped or b.capped or n > limit else Count(n)
    return out


def inbox_page(scope: Scope, filters: InboxFilters, page: int = 1, per_page: int = 50, counts: dict | None = None):
    """One page of the inbox, newest first, and how many match (counted up to
    paging.COUNT_LIMIT: taken from `counts`, status_counts' answer, when given)."""
    page = max(page or 1, 1)
    inbox = _inbox(scope, filters)
    # One arm per status too ('open' is three, 'all' six): each is then one range of
    # an index ending in raised_at, read newest first as far as this page goes.
    arms = [(arm, arm.with_status(status)) for arm in inbox.arms for status in _statuses(filters.status)]
    if len(arms) == 1:
        stmt = arms[0][1].order_by(*NEWEST_FIRST)
    else:
        # Each arm's first rows up to the end of this page (and one more), then the page
        # of their union: the same rows as ordering the whole union.
        take = page * per_page + 1
        firsts = [
            sa.select(
                stmt.with_only_columns(Concern.id, maintain_column_froms=True)
                .order_by(*arm.newest_first())
                .limit(take)
                .subquery()
                .c.id
            )
            for arm, stmt in arms
        ]
        stmt = sa.select(Concern).where(Concern.id.in_(sa.union(*firsts))).order_by(*NEWEST_FIRST)
    stmt = stmt.options(so.selectinload(Concern.copied_teams), so.joinedload(Concern.lead_team))
    total = counts.get(filters.status) if counts else None
    return page_of(
        stmt,
        page=page,
        per_page=per_page,
        count=total if total is not None else _counts(inbox, [filters.status])[filters.status],
    )


def status_counts(scope: Scope, filters: InboxFilters) -> dict[str, Count]:
    """Concerns in the inbox by status, and 'open' and 'all', each counted up to
    paging.COUNT_LIMIT (past it, a Count says "1000+"): one query, whatever the size."""
    counts = _counts(_inbox(scope, filters), list(LABELS))
    counts["open"] = sum((counts[s] for s in OPEN_STATUSES), Count(0))
    counts["all"] = sum((counts[s] for s in LABELS), Count(0))
    return counts


def age_days(concern: Concern, now: datetime | None = None) -> int:
    now = now or utcnow()
    return max((now - concern.raised_at).days, 0)


@dataclass
class WardOverview:
    ward: Ward
    open_concerns: Page  # oldest first, a page at a time
    recent_meetings: list
    planned_meetings: list
    top_categories: list  # [(label, count)]


def ward_overview(
    ward: Ward,
    scope: Scope,
    today: date | None = None,
    page: int = 1,
    per_page: int = 50,
    use_rollup: bool = True,
    demo: bool = False,
) -> WardOverview:
    """Open concerns (oldest first, a page of them), this year's top themes and the
    ward's meetings, real or demo (`demo`), never both. The counts come from the rollup
    when the user sees every concern of the ward (drilldown.rollup_reaches); the list
    reads one page."""

    today = today or date.today()
    year_start, _ = day_range(date(today.year, 1, 1), None)
    in_ward = filter_concerns(scope, sa.select(Concern).where(Concern.ward_id == ward.id, Concern.is_demo.is_(demo)))
    open_stmt = in_ward.where(Concern.status.in_(OPEN_STATUSES))
    counted = use_rollup and rollup_reaches([ward.id], scope)
    total = Count(sum(rollup_open_by_status([ward.id], demo).values())) if counted else bounded_count(open_stmt)
    open_concerns = page_of(
        open_stmt.order_by(Concern.raised_at, Concern.id), page=page, per_page=per_page, count=total
    )
    if counted:
        top = rollup_top_categories([ward.id], demo, year_start.date())
    else:
        this_year = in_ward.where(Concern.raised_at >= year_start).subquery()
        top = [
            tuple(r)
            for r in db.session.execute(
                sa.select(Category.label, sa.func.count())
                .join(this_year, this_year.c.category_id == Category.id)
                .group_by(Category.label)
                .order_by(sa.func.count().desc(), Category.label)
                .limit(5)
            ).all()
        ]
    shown = scope.sees_meetings_in([ward.id])
    recent = ward_meetings([ward.id], "held", today, demo, 5) if shown else []
    planned = ward_meetings([ward.id], "planned", today, demo, 5) if shown else []
    return WardOverview(ward, open_concerns, recent, planned, top)
