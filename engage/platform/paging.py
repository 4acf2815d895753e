"""Pages of a long list, and counts that stop at a limit.

Counting every row of a list (the inbox, the audit trail, the outbox) costs as much as
reading it: at a million concerns, more than the page itself. So a count stops at
COUNT_LIMIT: up to it, counts and page numbers are exact ("Page 2 of 7", "812"); past it
they say so ("1,000+", "Page 2" with no last page), and the page still knows whether
another follows by reading one row more than it shows. See docs/benchmarks.md ("Scale").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa

from engage.extensions import db

COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Count:
    """A count that stopped at a limit: `n` is exact unless `capped` (then there are more)."""

    n: int
    capped: bool = False

    def __str__(self) -> str:
        return f"{self.n}+" if self.capped else f"{self.n}"

    def __int__(self) -> int:
        return self.n

    def __bool__(self) -> bool:
        return self.n > 0 or self.capped

    def __eq__(self, other):
        if isinstance(other, int):
            return not self.capped and self.n == other
        return isinstance(other, Count) and (self.n, self.capped) == (other.n, other.capped)

    def __hash__(self):
        return hash((self.n, self.capped))

    def __add__(self, other) -> Count:
        if isinstance(other, int):
            return Count(self.n + other, self.capped)
        return Count(self.n + other.n, self.capped or other.capped)

    __radd__ = __add__  # sum() starts from 0


def _counted(stmt, limit: int):
    """`stmt`'s rows, at most limit + 1 of them, as a subquery of one column."""
    return (
        stmt.order_by(None)
        .with_only_columns(sa.literal_column("1").label("one"), maintain_column_froms=True)
        .limit(limit + 1)
        .subquery()
    )


def bounded_count(stmt, limit: int | None = None) -> Count:
    """Rows of `stmt`, counted up to `limit` (COUNT_LIMIT by default)."""
    limit = COUNT_LIMIT if limit is None else limit
    n = db.session.scalar(sa.select(sa.func.count()).select_from(_counted(stmt, limit)))
    return Count(min(n, limit), n > limit)


def bounded_counts(statements: dict, limit: int | None = None) -> dict:
    """{name: Count} for several statements, as bounded_count, in one round trip."""
    limit = COUNT_LIMIT if limit is None else limit
    if not statements:
        return {}
    parts = [
        sa.select(sa.literal(i).label("k"), sa.func.count().label("n")).select_from(_counted(stmt, limit))
        for i, stmt in enumerate(statements.values())
    ]
    rows = (
        dict(db.session.execute(sa.union_all(*parts)).all())
        if len(parts) > 1
        else dict(db.session.execute(parts[0]).all())
    )
    return {key: Count(min(rows[i], limit), rows[i] > limit) for i, key in enumerate(statements)}


@dataclass
class Page:
    """One page of a list, as the templates use it (the names of Flask-SQLAlchemy's
    Pagination): `total` is a Count, `pages` is None when the count stopped."""

    items: list
    page: int
    per_page: int
    total: Count
    has_next: bool

    @property
    def pages(self) -> int | None:
        if self.total.capped:
            return None
        return max(math.ceil(self.total.n / self.per_page), 1) if self.total.n else 0

    @property
    def more_than_one(self) -> bool:
        return self.page > 1 or self.has_next

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def page_of(stmt, page: int = 1, per_page: int = 50, limit: int | None = None, count: Count | None = None) -> Page:
    """A page of `stmt` (which must be ordered) and its total, counted up to `limit`.
    Reads per_page + 1 rows to know whether another page follows."""
    page = max(page or 1, 1)
    result = db.session.execute(stmt.limit(per_page + 1).offset((page - 1) * per_page))
    rows = list(result.unique().scalars())
    total = count if count is not None else bounded_count(stmt, limit)
    return Page(rows[:per_page], page, per_page, total, len(rows) > per_page)
