"""The reference data a new concern needs, cached per process.

Storing a concern needs the categories, the current boundary set and its wards, the
teams and the wards they cover, and the routing rules. They change a few times a year
(an admin edits a team or a rule, a new boundary set is imported), so each process
keeps one copy and a request asks the database one cheap question instead of five:
has any of it changed? `reference_version.stamp` answers. Database triggers
(migration 0006) give it a new random value in the same transaction as any insert,
update or delete on those tables, however made (the ORM, bulk statements, another
process, psql). So a change is seen by every process from the moment it commits; a
change still uncommitted is seen only by its own transaction, as with any read.

The stamp is random, not a counter: after a rollback the old stamp comes back with
the old data, and a stamp made by the rolled-back change is never used again.

Cached rows are detached copies holding column values only. `attach` puts a copy into
the request's session without a query (`Session.merge(load=False)`) and keeps it there,
so a new concern can name its category, ward, boundary set and teams by id and
reading them back (routing, notifications, the answer) loads nothing more.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.concerns.models import Category
from engage.extensions import db
from engage.geography.models import BoundarySet, Ward
from engage.teams.models import RoutingRule, Team, team_ward

# The schema is in migrations/versions/0006_reference_version.py; declared here too
# so that autogenerate knows the table.
reference_version = sa.Table(
    "reference_version",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("changes", sa.BigInteger, nullable=False),
    sa.Column("stamp", sa.String(32), nullable=False),
    sa.CheckConstraint("id = 1", name="one_row"),
)


@dataclass
class ReferenceData:
    stamp: str
    categories: dict[str, Category]
    boundary_set: BoundarySet | None
    wards_by_code: dict[str, Ward]  # the current set's
    wards_by_id: dict[int, Ward]
    teams: dict[int, Team]
    rules: list  # routing.RuleSpec, active rules only
    rule_rows: dict[int, RoutingRule]
    int_teams: list[Team]  # ordered by code as the database orders it
    team_wards: dict[int, frozenset[int]]
    _coverage: dict[tuple[int, int], list[int]] = field(default_factory=dict)

    def coverage(self, ward_id: int | None, local_authority_id: int | None) -> dict[int, list[int]]:
        """As `routing.coverage_for`, from memory: the INTs covering the ward, those
        naming it first, then those covering its authority, then all of Cleveland,
        each by code."""
        if ward_id is None:
            return {}
        key = (ward_id, local_authority_id)
        found = self._coverage.get(key)
        if found is None:
            rank = {"wards": 0, "authority": 1}
            covering = [
                (rank.get(t.coverage, 2), position, t.id)
                for position, t in enumerate(self.int_teams)
                if ward_id in self.team_wards.get(t.id, ())
                or (t.coverage == "authority" and t.local_authority_id == local_authority_id)
                or t.coverage == "all"
            ]
            found = self._coverage[key] = [team_id for _, _, team_id in sorted(covering)]
        return {ward_id: list(found)}


_cache: dict[str, ReferenceData] = {}

_lock = threading.Lock()


def current_stamp() -> str:
    return db.session.execute(sa.select(reference_version.c.stamp)).scalar_one()


def reference_data(stamp: str | None = None) -> ReferenceData:
    """The reference data as this transaction sees it: one query when nothing changed.
    A caller that has just read the stamp (with something else, in one query) passes it."""
    if stamp is None:
        # Flushed first, as the queries this replaces would have been: a change made
        # earlier in this session then moves the stamp before it is read.
        db.session.flush()
        stamp = current_stamp()
    data = _cache.get(stamp)
    if data is None:
        # Read after the stamp: rows at least as new as it, never older.
        data = _load(stamp)
        with _lock:
            if len(_cache) >= 4:  # several databases in one process (tests), or old stamps
                _cache.clear()
            _cache[stamp] = data
    return data


def attach(cached):
    """This session's instance of a cached row: the one it already has, else a copy
    made without a query. See `keep`."""
    if cached is None:
        return None
    instance = db.session.identity_map.get(sa.inspect(cached).key)
    if instance is None:
        instance = db.session.merge(cached, load=False)
    return keep(instance)


def keep(instance):
    """Keep `instance` for as long as the session lives. A new concern names its
    category, ward and teams by id (as relationships they would make every flush
    consider those rows too); reading the relationship after the flush then finds
    the row in the identity map, which holds rows only while something else does."""
    if instance is not None:
        db.session.info.setdefault("engage.kept", {})[sa.inspect(instance).key] = instance
    return instance


def detached_copy(row):
    """A detached instance with the row's column values and nothing else loaded."""
    mapper = sa.inspect(row).mapper
    values = {attr.key: row.__dict__[attr.key] for attr in mapper.column_attrs if attr.key in row.__dict__}
    copy = mapper.class_(**values)
    so.make_transient_to_detached(copy)
    return copy


def _load(stamp: str) -> ReferenceData:
    from engage.teams.routing import rule_spec

    session = db.session
    categories = {c.code: detached_copy(c) for c in session.scalars(sa.select(Category))}
    current = session.scalar(sa.select(BoundarySet).where(BoundarySet.is_current))
    wards = []
    if current is not None:
        wards = [detached_copy(w) for w in session.scalars(
            sa.select(Ward).where(Ward.boundary_set_id == current.id).options(so.defer(Ward.geometry))
        )]
    teams = [detached_copy(t) for t in session.scalars(
        sa.select(Team).options(so.lazyload(Team.wards)).order_by(Team.code)
    )]
    team_wards: dict[int, set[int]] = {}
    for team_id, ward_id in session.execute(sa.select(team_ward.c.team_id, team_ward.c.ward_id)):
        team_wards.setdefault(team_id, set()).add(ward_id)
    rule_rows = session.scalars(sa.select(RoutingRule).where(RoutingRule.is_active)).all()
    return ReferenceData(
        stamp=stamp,
        categories=categories,
        boundary_set=detached_copy(current) if current is not None else None,
        wards_by_code={w.code: w for w in wards},
        wards_by_id={w.id: w for w in wards},
        teams={t.id: t for t in teams},
        rules=[rule_spec(r) for r in rule_rows],
        rule_rows={r.id: detached_copy(r) for r in rule_rows},
        int_teams=[t for t in teams if t.kind == "int"],
        team_wards={team_id: frozenset(ids) for team_id, ids in team_wards.items()},
    )
