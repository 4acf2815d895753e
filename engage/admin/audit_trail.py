"""Reading the audit trail: filters and a readable form of each event's changes.
(Writing it is engage.platform.audit's session hook; nothing here writes.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from engage.accounts.models import User
from engage.concerns.models import Category
from engage.extensions import db
from engage.geography.models import LocalAuthority, Ward
from engage.platform.audit import AuditEvent
from engage.platform.dates import OFFICE_ZONE, day_range
from engage.teams.models import Team

ENTITY_NAMES = {
    "user_account": "user",
    "team": "team",
    "api_token": "API token",
    "routing_rule": "routing rule",
    "contact_view": "resident's contact details seen",  # engage/concerns/privacy.py
}

ACTIONS = ("create", "update", "delete")

# Shown elsewhere on the row (entity id, time), or noise on a create.
_SKIP_ON_CREATE = {"id", "created_at"}

# The trail keeps ids; a person wants the thing's name (the id if it is gone).
REFERENCES = {
    "local_authority_id": (LocalAuthority, "name"),
    "user_id": (User, "email"),
    "ward_id": (Ward, "name"),
    "category_id": (Category, "label"),
    "lead_team_id": (Team, "code"),
}


@dataclass
class AuditFilter:
    entity: str = ""
    actor: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def apply(self, stmt):
        if self.entity:
            stmt = stmt.where(AuditEvent.entity == self.entity)
        if self.actor:
            # The actors whose name contains the text, found among the few distinct
            # actors (an index skip): then `actor IN (...)` can use an index, where a
            # `LIKE '%...%'` over the whole trail could not.
            stmt = stmt.where(AuditEvent.actor.in_(actors_containing(self.actor)))
        if self.action:
            stmt = stmt.where(AuditEvent.action == self.action)
        start, end = day_range(self.date_from, self.date_to, OFFICE_ZONE)
        if start:
            stmt = stmt.where(AuditEvent.at >= start)
        if end:
            stmt = stmt.where(AuditEvent.at <= end)
        return stmt


def events_statement(audit_filter: AuditFilter):
    return audit_filter.apply(sa.select(AuditEvent)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def _distinct(column: str) -> list[str]:
    """The distinct values of an indexed column of audit_event, in order, one index
    probe per value (a loose index scan, written as a recursive query: neither engine
    skips through an index by itself), instead of reading the whole trail."""
    return [
        value
        for value in db.session.scalars(
            sa.text(
                f"WITH RECURSIVE seen(v) AS (SELECT min({column}) FROM audit_event "
                f"UNION ALL SELECT (SELECT min({column}) FROM audit_event WHERE {column} > seen.v) "
                f"FROM seen WHERE seen.v IS NOT NULL) SELECT v FROM seen WHERE v IS NOT NULL"
            )
        )
    ]


def entities_recorded() -> list[str]:
    return _distinct("entity")


def actors_containing(text: str) -> list[str]:
    """Every actor in the trail whose name contains `text`, ignoring case (as ILIKE
    '%text%' would match them: Unicode case folding is Python's, not the database's)."""
    needle = text.casefold()
    return [actor for actor in _distinct("actor") if needle in actor.casefold()]


def entity_name(entity: str) -> str:
    return ENTITY_NAMES.get(entity, entity.replace("_", " "))


def local_time(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(OFFICE_ZONE)  # as it was on the wall in Cleveland


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None = None
    new: str | None = None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def is_collection(self) -> bool:
        return bool(self.added or self.removed)


def _show(value, name: str = "") -> str | None:
    if value is None or value == "" or value == []:
        return None
    if name in REFERENCES and isinstance(value, int):
        model, attr = REFERENCES[name]
        found = db.session.get(model, value)
        return getattr(found, attr) if found is not None else f"#{value}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def describe_changes(event: AuditEvent) -> list[Change]:
    """{field: [old, new]} and {field: {"added": [...], "removed": [...]}} as rows a
    person reads: empty values left out of creates and deletes."""
    out = []
    for name, value in sorted((event.changes or {}).items()):
        label = name.removesuffix("_id").replace("_", " ") if name in REFERENCES else name.replace("_", " ")
        if isinstance(value, dict):
            out.append(Change(label, added=tuple(value.get("added") or ()), removed=tuple(value.get("removed") or ())))
            continue
        old, new = (value + [None, None])[:2] if isinstance(value, list) else (None, value)
        if event.action in ("create", "delete"):
            shown = _show(new if event.action == "create" else old, name)
            if shown is not None and name not in _SKIP_ON_CREATE:
                out.append(
                    Change(
                        label,
                        old=shown if event.action == "delete" else None,
                        new=shown if event.action == "create" else None,
                    )
                )
        else:
            out.append(Change(label, old=_show(old, name) or "–", new=_show(new, name) or "–"))
    return out
