"""Checking and repairing the map rollups (engage/maps/rollup.py).

The triggers of migrations/versions/0007 keep `concern_rollup` and `meeting_rollup`
right, but only while they exist and fire: a SQLite table rebuild drops a table's
triggers, a bulk load may run with them disabled, and anyone can edit a rollup row by
hand. `expected_concern_rollup()` and `expected_meeting_rollup()` count the rows the
rollups should hold straight from `concern`, `meeting` and `meeting_ward`, with the same
aggregation as the migration's backfill (written out again here: the migration's SQL
stays frozen as it was). `check()` compares them with the stored rows key by key;
`rebuild()` empties both tables and refills them, in one transaction.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from engage.concerns.models import Concern, Meeting, meeting_ward
from engage.extensions import db
from engage.geography.models import Ward
from engage.maps import rollup

# (zoom, all categories, all statuses, keep the ward), as the migration's VARIANTS: ward
# totals in four variants; heat cells per (category, status) and ward, (all, all) per
# ward, and (all, all) over every ward.
VARIANTS = (
    (rollup.WARD_ZOOM, False, False, True),
    (rollup.WARD_ZOOM, False, True, True),
    (rollup.WARD_ZOOM, True, False, True),
    (rollup.WARD_ZOOM, True, True, True),
    (rollup.HEAT_ZOOM, False, False, True),
    (rollup.HEAT_ZOOM, True, True, True),
    (rollup.HEAT_ZOOM, True, True, False),
)

HEAT_CELL = 0.01  # degrees at zoom 11 (engage.maps.services.cell_degrees(11))

ORIGIN_LON, ORIGIN_LAT = -2.0, 54.0  # engage.maps.services.GRID_ORIGIN

JULIAN_EPOCH = 2440587.5  # julianday('1970-01-01')

CONCERN_KEY = ("is_demo", "zoom", "category_id", "status", "level", "bucket", "ward_id", "gx", "gy")

MEETING_KEY = ("is_demo", "level", "bucket", "ward_code")

EXAMPLES = 5

# PostgreSQL memory for the recount's grouping, for these statements only: at 200,000
# concerns (4 million rollup rows) the check took about 70 s with the default 4MB and
# about 25 s with this.
PG_WORK_MEM = "128MB"


class RollupTriggersMissing(Exception):
    """Rebuilding without the triggers would leave rows that go stale with the next change."""

    def __init__(self, missing: list[str], disabled: list[str], schema_behind: bool):
        self.missing, self.disabled, self.schema_behind = missing, disabled, schema_behind
        super().__init__(", ".join(missing + disabled))


@dataclass
class Difference:
    table: str
    key: dict
    expected: int
    stored: int

    def describe(self) -> str:
        key = dict(self.key)
        level, bucket = key["level"], key["bucket"]
        first = rollup.EPOCH + timedelta(days=bucket << level)
        last = first + timedelta(days=(1 << level) - 1)
        key["is_demo"] = bool(key["is_demo"])
        shown = " ".join(f"{k}={v}" for k, v in key.items())
        stored = "a row at 0, which the triggers never leave" if self.stored == self.expected == 0 else self.stored
        return f"{shown} (days {first}..{last}): counted {self.expected}, stored {stored}"


@dataclass
class TableCheck:
    table: str
    stored_rows: int
    differing_keys: int
    examples: list[Difference] = field(default_factory=list)


@dataclass
class RollupCheck:
    missing_triggers: list[str]
    disabled_triggers: list[str]
    tables: list[TableCheck]
    schema_behind: bool = False  # (asked only when a trigger is missing)

    @property
    def triggers_ok(self) -> bool:
        return not self.missing_triggers and not self.disabled_triggers

    @property
    def ok(self) -> bool:
        return self.triggers_ok and all(t.differing_keys == 0 for t in self.tables)


@dataclass
class RebuildReport:
    rows_deleted: dict[str, int]
    rows_written: dict[str, int]
    dry_run: bool
    before: RollupCheck | None = None  # what differed, for a dry run


def _pg() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


@contextmanager
def _roomy_grouping():
    """work_mem raised to PG_WORK_MEM within the transaction, then put back."""
    if not _pg():
        yield
        return
    before = db.session.scalar(sa.text("SELECT current_setting('work_mem')"))
    db.session.execute(sa.text("SELECT set_config('work_mem', :v, true)"), {"v": PG_WORK_MEM})
    yield  # (on an error the transaction's rollback puts it back)
    db.session.execute(sa.text("SELECT set_config('work_mem', :v, true)"), {"v": before})


def _constants(rows, names, alias):
    """A derived table of integer constants (a UNION ALL of SELECTs, valid on both engines)."""
    selects = [
        sa.select(*(sa.literal_column(str(int(v)), sa.Integer).label(n) for v, n in zip(row, names))) for row in rows
    ]
    return sa.union_all(*selects).subquery(alias)


def _concern_day(pg: bool):
    """Days since 1970-01-01 of raised_at, in UTC (as the triggers count them)."""
    if pg:
        return sa.cast(sa.func.timezone("UTC", Concern.raised_at), sa.Date) - sa.literal(rollup.EPOCH, sa.Date)
    return sa.cast(sa.func.julianday(sa.func.substr(Concern.raised_at, 1, 10)) - JULIAN_EPOCH, sa.Integer)


def _meeting_day(pg: bool, column):
    if pg:
        return column - sa.literal(rollup.EPOCH, sa.Date)
    return sa.cast(sa.func.julianday(column) - JULIAN_EPOCH, sa.Integer)


def _cell(column, origin: float, pg: bool):
    # floor on PostgreSQL (its CAST rounds); CAST, a truncation, on SQLite: as the
    # triggers and engage.maps.services number the cells.
    offset = (column - origin) / HEAT_CELL
    return sa.cast(sa.func.floor(offset) if pg else offset, sa.Integer)


def expected_concern_rollup() -> sa.Select:
    """SELECT of the rows `concern_rollup` should hold: CONCERN_KEY columns and n."""
    pg = _pg()
    d = (
        sa.select(
            Concern.is_demo,
            Concern.category_id,
            Concern.status,
            Concern.ward_id,
            Concern.lon,
            Concern.lat,
            _concern_day(pg).label("day"),
        )
        .where(Concern.ward_id.isnot(None))
        .subquery("d")
    )
    v = _constants(
        [
            (zoom, all_c, all_s, keep, level)
            for zoom, all_c, all_s, keep in VARIANTS
            for level in (rollup.WARD_LEVELS if zoom == rollup.WARD_ZOOM else rollup.HEAT_LEVELS)
        ],
        ("zoom", "all_categories", "all_statuses", "keep_ward", "level"),
        "v",
    )
    heat = v.c.zoom != rollup.WARD_ZOOM
    keys = (
        sa.select(
            d.c.is_demo.label("is_demo"),
            v.c.zoom.label("zoom"),
            sa.case((v.c.all_categories == 1, rollup.ALL_CATEGORIES), else_=d.c.category_id).label("category_id"),
            sa.case((v.c.all_statuses == 1, rollup.ALL_STATUSES), else_=d.c.status).label("status"),
            v.c.level.label("level"),
            d.c.day.op(">>", return_type=sa.Integer)(v.c.level).label("bucket"),
            sa.case((v.c.keep_ward == 1, d.c.ward_id), else_=rollup.EVERY_WARD).label("ward_id"),
            sa.case((heat, _cell(d.c.lon, ORIGIN_LON, pg)), else_=0).label("gx"),
            sa.case((heat, _cell(d.c.lat, ORIGIN_LAT, pg)), else_=0).label("gy"),
        )
        .select_from(d.join(v, sa.or_(~heat, sa.and_(d.c.lon.isnot(None), d.c.lat.isnot(None)))))
        .subquery("e")
    )
    columns = [keys.c[k] for k in CONCERN_KEY]
    return sa.select(*columns, sa.func.count().label("n")).group_by(*columns)


def expected_meeting_rollup() -> sa.Select:
    """SELECT of the rows `meeting_rollup` should hold: held meetings, each once per ward
    code however many of its linked wards share it."""
    pg = _pg()
    p = (
        sa.select(Meeting.id, Ward.code.label("ward_code"), Meeting.is_demo, Meeting.date)
        .distinct()
        .join(meeting_ward, meeting_ward.c.meeting_id == Meeting.id)
        .join(Ward, Ward.id == meeting_ward.c.ward_id)
        .where(Meeting.status == "held")
        .subquery("p")
    )
    lv = _constants([(level,) for level in rollup.WARD_LEVELS], ("level",), "l")
    keys = (
        sa.select(
            p.c.is_demo.label("is_demo"),
            lv.c.level.label("level"),
            _meeting_day(pg, p.c.date).op(">>", return_type=sa.Integer)(lv.c.level).label("bucket"),
            p.c.ward_code.label("ward_code"),
        )
        .select_from(p.join(lv, sa.true()))
        .subquery("e")
    )
    columns = [keys.c[k] for k in MEETING_KEY]
    return sa.select(*columns, sa.func.count().label("n")).group_by(*columns)


def _differences(table: sa.Table, expected: sa.Select, key: tuple[str, ...], examples: int) -> TableCheck:
    """Keys whose stored count is not the counted one (absent counts as 0; a stored row
    at 0, which the triggers never leave, counts as a difference too): one pass over
    both, grouped by key."""
    e = expected.subquery("expected")
    zero = sa.literal_column("0", sa.Integer)
    both = sa.union_all(
        sa.select(*(e.c[k] for k in key), e.c.n.label("counted"), zero.label("stored"), zero.label("zero_rows")),
        sa.select(
            *(table.c[k] for k in key),
            zero.label("counted"),
            table.c.n.label("stored"),
            sa.case((table.c.n == 0, 1), else_=0).label("zero_rows"),
        ),
    ).subquery("b")
    columns = [both.c[k] for k in key]
    counted, stored = sa.func.sum(both.c.counted), sa.func.sum(both.c.stored)
    diff = (
        sa.select(*columns, counted.label("counted"), stored.label("stored"))
        .group_by(*columns)
        .having(sa.or_(counted != stored, sa.func.sum(both.c.zero_rows) > 0))
        .subquery("diff")
    )
    rows = db.session.execute(
        sa.select(diff, sa.func.count().over().label("total")).order_by(*(diff.c[k] for k in key)).limit(examples)
    ).all()
    stored_rows = db.session.scalar(sa.select(sa.func.count()).select_from(table))
    return TableCheck(
        table=table.name,
        stored_rows=stored_rows,
        differing_keys=rows[0].total if rows else 0,
        examples=[Difference(table.name, {k: r._mapping[k] for k in key}, int(r.counted), int(r.stored)) for r in rows],
    )


def disabled_triggers() -> list[str]:
    """Rollup triggers present but disabled (PostgreSQL's ALTER TABLE ... DISABLE TRIGGER,
    as some bulk loads do); SQLite cannot disable a trigger."""
    if not _pg():
        return []
    rows = db.session.execute(
        sa.text(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled = 'D'"
        )
    ).all()
    disabled = {(table, name) for table, name in rows}
    return [
        f"{table}.{name}" for table, names in rollup.TRIGGERS.items() for name in names if (table, name) in disabled
    ]


def schema_behind() -> bool:
    """Whether the database is not at the migrations' head (`flask db upgrade` would
    then run the migrations that create the triggers)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    return current != heads


def check(examples: int = EXAMPLES) -> RollupCheck:
    """Both rollup tables against direct counts, and the triggers that keep them."""
    missing = rollup.missing_triggers()
    with _roomy_grouping():
        tables = [
            _differences(rollup.concern_rollup, expected_concern_rollup(), CONCERN_KEY, examples),
            _differences(rollup.meeting_rollup, expected_meeting_rollup(), MEETING_KEY, examples),
        ]
    return RollupCheck(
        missing_triggers=missing,
        disabled_triggers=disabled_triggers(),
        tables=tables,
        schema_behind=bool(missing) and schema_behind(),
    )


def _refill(table: sa.Table, expected: sa.Select, key: tuple[str, ...]) -> tuple[int, int]:
    count = {"preserve_rowcount": True}  # for INSERT ... SELECT too (psycopg)
    deleted = db.session.execute(sa.delete(table), execution_options=count).rowcount
    written = db.session.execute(sa.insert(table).from_select([*key, "n"], expected), execution_options=count).rowcount
    return deleted, written


def rebuild(dry_run: bool = False) -> RebuildReport:
    """Empty both rollup tables and refill them from the concerns and meetings, in one
    transaction, committed (or, for a dry run, rolled back after reporting what differed
    and what would be written). Raises RollupTriggersMissing, writing nothing, if a
    trigger is missing or disabled.

    Writes to concerns and meetings wait until it is done (on PostgreSQL a SHARE lock on
    the source tables; SQLite's write lock, taken at BEGIN, does the same), so no change
    falls between the recount and the commit. Map readers see the old rows meanwhile."""
    if _pg():
        db.session.execute(sa.text("LOCK TABLE concern, meeting, meeting_ward IN SHARE MODE"))
    missing, disabled = rollup.missing_triggers(), disabled_triggers()
    if missing or disabled:
        behind = schema_behind()
        db.session.rollback()
        raise RollupTriggersMissing(missing, disabled, behind)
    before = check() if dry_run else None
    deleted, written = {}, {}
    with _roomy_grouping():
        for table, expected, key in (
            (rollup.concern_rollup, expected_concern_rollup(), CONCERN_KEY),
            (rollup.meeting_rollup, expected_meeting_rollup(), MEETING_KEY),
        ):
            deleted[table.name], written[table.name] = _refill(table, expected, key)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return RebuildReport(rows_deleted=deleted, rows_written=written, dry_run=dry_run, before=before)
