"""Which data a page shows: real or demo, never a mix. The one rule every page,
report, export and map answer follows: real data whenever any exists, demo data only
when it is all there is, and `?source=real|demo` to choose. The switch between them
(templates/_source_switch.html) shows only when demo data exists."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from engage.concerns.models import Concern, Meeting
from engage.extensions import db

REAL, DEMO = "real", "demo"
SOURCES = (REAL, DEMO)


@dataclass(frozen=True)
class DataSource:
    name: str  # REAL or DEMO
    has_real: bool  # any real concern or meeting recorded
    has_demo: bool  # any demo concern or meeting loaded
    error: str | None = None  # what was wrong with the `source` asked for

    @property
    def is_demo(self) -> bool:
        return self.name == DEMO

    @property
    def other(self) -> str:
        return REAL if self.is_demo else DEMO

    @property
    def switchable(self) -> bool:
        """With no demo data there is nothing to switch to, and no switch."""
        return self.has_demo

    @property
    def needs_filter(self) -> bool:
        """Whether the other kind exists, so queries must leave it out; when it does not,
        every row is of this source and a query can skip the condition (and keep
        counting along indexes that lack is_demo)."""
        return self.has_real if self.is_demo else self.has_demo

    def condition(self, is_demo_column):
        """The condition keeping this source's rows, or None when every row is one."""
        return is_demo_column.is_(self.is_demo) if self.needs_filter else None


# For code that builds filters without asking the database: real rows only, always filtered.
ONLY_REAL = DataSource(REAL, has_real=True, has_demo=True)


def data_present() -> tuple[bool, bool]:
    """(any real, any demo) concern or meeting: four probes of the is_demo indexes, one statement."""

    def any_of(model, demo: bool):
        return sa.exists().where(model.is_demo if demo else ~model.is_demo)

    row = db.session.execute(
        sa.select(
            sa.or_(any_of(Concern, False), any_of(Meeting, False)),
            sa.or_(any_of(Concern, True), any_of(Meeting, True)),
        )
    ).one()
    return bool(row[0]), bool(row[1])


def default_source(present: tuple[bool, bool] | None = None) -> str:
    """Real when any real data exists (or none at all); demo only when it is all there is."""
    has_real, has_demo = data_present() if present is None else present
    return DEMO if has_demo and not has_real else REAL


def parse_source(raw: str | None, default: str) -> tuple[str, str | None]:
    """(the source asked for, or `default` when none or a wrong one was; the error)."""
    if not raw:
        return default, None
    if raw not in SOURCES:
        return default, f"source: '{raw}' is not real or demo"
    return raw, None


def source_from(args) -> DataSource:
    """The source a page's query string (`source`) asks for, with what exists; a wrong
    value falls back to the default and says why in `error`."""
    present = data_present()
    name, error = parse_source(args.get("source"), default_source(present))
    return DataSource(name, *present, error=error)
