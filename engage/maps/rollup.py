"""Summary tables the maps sum instead of grouping every concern.

`concern_rollup` holds concern counts per time block, ward, category, status and
source, and per heat cell. Time blocks are aligned runs of 2**level days (`bucket` =
days since 1970-01-01 >> level), so any span of days is an exact sum of a few blocks
(a year takes about a dozen) whatever the number of concerns.

- Ward totals (`zoom` 0, `gx` = `gy` = 0) use blocks of 1, 4, 16, 64 and 256 days, in
  four variants per ward: (category, status), (category, all statuses), (all
  categories, status) and (all, all), written as category_id 0 and status '*'.
- Heat cells (`zoom` 11, cells of 0.01 degrees numbered as the map grid) are denser, so
  use every block length from 1 to 256 days (fewer blocks per period), in three
  variants: (category, status) per ward, (all, all) per ward (for maps limited to
  some wards: an inspector's, or filtered by authority or designation), and (all, all)
  over every ward (`ward_id` 0), which the unfiltered staff heat map reads. Zooms 8-10 are the same cells shifted
  right, as the map's cells double with each level out.

Only concerns with a ward are rolled up: the maps never count the others.

`meeting_rollup` holds held meetings per time block, ward code and source, each
meeting counted once per code however many of its linked wards share it.

Both are kept by database triggers, written in migrations/versions/0007 for SQLite and
PostgreSQL, in the same transaction as the change: the ORM, bulk SQL (INSERT ...
SELECT, COPY, UPDATE, DELETE) and cascades all go through them, and a rolled-back
transaction rolls the counts back. Nothing in Python writes these tables, except the
repair `flask maps rebuild-rollups` (engage/maps/rollup_check.py, which also checks
them against direct counts: `flask maps check-rollups`).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from engage.concerns.models import Concern, Meeting
from engage.extensions import db

WARD_LEVELS = (0, 2, 4, 6, 8)

HEAT_LEVELS = (0, 1, 2, 3, 4, 5, 6, 7, 8)

HEAT_ZOOM = 11

WARD_ZOOM = 0

ALL_CATEGORIES = 0

ALL_STATUSES = "*"

EVERY_WARD = 0

EPOCH = date(1970, 1, 1)

concern_rollup = sa.Table(
    "concern_rollup",
    db.metadata,
    sa.Column("is_demo", sa.Boolean, primary_key=True),
    sa.Column("zoom", sa.SmallInteger, primary_key=True),
    sa.Column("category_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("status", sa.String(16), primary_key=True),
    sa.Column("level", sa.SmallInteger, primary_key=True),
    sa.Column("bucket", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("ward_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("gx", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("gy", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("n", sa.Integer, nullable=False),
)

meeting_rollup = sa.Table(
    "meeting_rollup",
    db.metadata,
    sa.Column("is_demo", sa.Boolean, primary_key=True),
    sa.Column("level", sa.SmallInteger, primary_key=True),
    sa.Column("bucket", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("ward_code", sa.String(9), primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
)

# Indexes the remaining direct map queries need (created in migration 0007).
sa.Index("ix_concern_updated_at", Concern.updated_at)  # latest change (was the map cache's version)

sa.Index("ix_meeting_updated_at", Meeting.updated_at)

sa.Index("ix_concern_created_by_raised", Concern.created_by_id, Concern.raised_at)  # officers' own entries

sa.Index(
    "ix_concern_lead_team_ward_raised",
    Concern.lead_team_id,
    Concern.ward_id,  # routed to an inspector's
    Concern.raised_at,
)  # team, outside their wards

TRIGGERS = {
    "concern": ("concern_rollup_insert", "concern_rollup_update", "concern_rollup_delete"),
    "meeting_ward": ("meeting_rollup_link_insert", "meeting_rollup_link_delete"),
    "meeting": ("meeting_rollup_update", "meeting_rollup_before_delete"),
}


def day_number(day: date) -> int:
    return (day - EPOCH).days


def time_blocks(first: date, last: date, levels=WARD_LEVELS) -> list[tuple[int, int, int]]:
    """(level, first bucket, last bucket) runs that cover the days first..last exactly,
    each day once: the largest aligned block that fits, from the left. `levels` must
    include 0."""
    lo, hi = day_number(first), day_number(last) + 1
    runs: list[tuple[int, int, int]] = []
    while lo < hi:
        level = next(lv for lv in reversed(levels) if lo % (1 << lv) == 0 and lo + (1 << lv) <= hi)
        bucket = lo >> level
        if runs and runs[-1][0] == level and runs[-1][2] == bucket - 1:
            runs[-1] = (level, runs[-1][1], bucket)
        else:
            runs.append((level, bucket, bucket))
        lo += 1 << level
    return runs


def period(table: sa.Table, first: date, last: date, levels=WARD_LEVELS):
    """Condition selecting the blocks of `table` that make up first..last: per level, a
    list of buckets (not a range), so the key columns after `bucket` still narrow the
    index scan."""
    buckets: dict[int, list[int]] = {}
    for level, a, b in time_blocks(first, last, levels):
        buckets.setdefault(level, []).extend(range(a, b + 1))
    return sa.or_(*(sa.and_(table.c.level == level, table.c.bucket.in_(found)) for level, found in buckets.items()))


def held_meetings(first: date, last: date, demo: bool) -> dict[str, int]:
    """{ward code: meetings held first..last}, each meeting once per code."""
    r = meeting_rollup
    stmt = (
        sa.select(r.c.ward_code, sa.func.sum(r.c.n))
        .where(r.c.is_demo.is_(demo), period(r, first, last))
        .group_by(r.c.ward_code)
    )
    return {code: int(n) for code, n in db.session.execute(stmt).all()}


def missing_triggers() -> list[str]:
    """Rollup triggers absent from the database (a rebuilt table on SQLite loses its own)."""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        rows = db.session.execute(
            sa.text(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal"
            )
        ).all()
    else:
        rows = db.session.execute(sa.text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")).all()
    present = {(table, name) for table, name in rows}
    return [f"{table}.{name}" for table, names in TRIGGERS.items() for name in names if (table, name) not in present]
