"""The audit trail: append-only (the database refuses UPDATE and DELETE on it)."""

from __future__ import annotations

import contextlib
import contextvars
import getpass
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import g, has_request_context

from engage.extensions import db
from engage.platform.db import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        sa.CheckConstraint("action IN ('create', 'update', 'delete')", name="action_known"),
        sa.Index("ix_audit_event_entity", "entity", "entity_id"),
        # The trail by record type and by who, newest first (0008).
        sa.Index("ix_audit_event_entity_at", "entity", "at"),
        sa.Index("ix_audit_event_actor_at", "actor", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    # No foreign key, and the actor kept as text too: the trail must outlive the
    # account that acted, and a cascade would have to UPDATE an append-only table.
    actor_id: so.Mapped[int | None] = so.mapped_column(index=True)
    actor: so.Mapped[str] = so.mapped_column(sa.String(254))
    action: so.Mapped[str] = so.mapped_column(sa.String(16))
    entity: so.Mapped[str] = so.mapped_column(sa.String(40))
    entity_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    label: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    # {"field": [old, new], ...}
    changes: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)


# Audited although their model does not say `__audited__ = True` (yet): models are
# another engineer's files. Move each to its model and drop it from here.

_actor: contextvars.ContextVar[tuple[int | None, str] | None] = contextvars.ContextVar("audit_actor", default=None)


@contextlib.contextmanager
def acting_as(user_id: int | None, label: str):
    """Attribute changes made inside the block (CLI commands, workers) to this actor."""
    token = _actor.set((user_id, label))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> tuple[int | None, str]:
    explicit = _actor.get()
    if explicit:
        return explicit
    if has_request_context():
        # Only a user already loaded for this request: loading one here, inside a
        # flush, could itself write (a token's last use) and re-enter the flush.
        user = g.get("_login_user")
        if user is not None and user.is_authenticated:
            return user.id, user.email
        return None, "anonymous"
    return None, "system"


def _plain(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _label(obj) -> str:
    for attr in ("code", "email", "role", "name"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    identity = sa.inspect(obj).identity  # e.g. a routing rule: "#12", not "(12,)"
    return "#" + ",".join(str(part) for part in identity) if identity else ""


def _entity_id(obj) -> str:
    key = sa.inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)


def _snapshot(obj, exclude) -> dict:
    mapper = sa.inspect(obj).mapper
    values = {c.key: _plain(getattr(obj, c.key)) for c in mapper.column_attrs if c.key not in exclude}
    for rel in mapper.relationships:
        if rel.uselist and rel.key not in exclude and rel.key in obj.__dict__:
            values[rel.key.replace("role_rows", "roles")] = sorted(_label(o) for o in obj.__dict__[rel.key])
    return values


def _changes(obj, exclude) -> dict:
    state = sa.inspect(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        if attr.key in exclude:
            continue
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                out[attr.key] = [_plain(old), _plain(new)]
    for rel in state.mapper.relationships:
        if not rel.uselist or rel.key in exclude:
            continue
        hist = state.attrs[rel.key].history
        added = sorted(_label(o) for o in hist.added)
        removed = sorted(_label(o) for o in hist.deleted)
        if added or removed:
            out[rel.key.replace("role_rows", "roles")] = {"added": added, "removed": removed}
    return out


def _is_audited(obj) -> bool:
    return getattr(type(obj), "__audited__", False)


# --- old values ----------------------------------------------------------------------
# After a commit every attribute is expired; setting one then records no old value
# (SQLAlchemy does not load what it is about to overwrite), so the trail would say
# "– → new". A "set" listener with active_history=True makes it load the old value
# first, as `mapped_column(active_history=True)` would, without touching the models.
# It costs one SELECT per expired object changed, and only for audited models.


def _noop_set(target, value, oldvalue, initiator):
    pass


_keeping_old_values: set[type] = set()


def _keep_old_values(mapper: so.Mapper) -> None:
    cls = mapper.class_
    if not (getattr(cls, "__audited__", False)) or cls in _keeping_old_values:
        return
    exclude = getattr(cls, "__audit_exclude__", set())
    for attr in mapper.column_attrs:
        if attr.key not in exclude and not attr.columns[0].primary_key:
            sa.event.listen(getattr(cls, attr.key), "set", _noop_set, active_history=True)
    _keeping_old_values.add(cls)


def _on_mapper_configured(mapper, cls):
    _keep_old_values(mapper)


def entry(action: str, obj, actor_id, actor, now, changes=None) -> dict | None:
    """The audit row for `action` on `obj`, or None when there is nothing to record.
    `changes` is computed here for a create or delete; an update passes its own."""
    exclude = getattr(type(obj), "__audit_exclude__", set())
    if action == "create":
        changes = {k: [None, v] for k, v in _snapshot(obj, exclude).items()}
    elif action == "delete":
        changes = {k: [v, None] for k, v in _snapshot(obj, exclude).items()}
    if not changes:
        return None
    return {
        "at": now,
        "actor_id": actor_id,
        "actor": actor,
        "action": action,
        "entity": type(obj).__tablename__,
        "entity_id": _entity_id(obj),
        "label": _label(obj)[:255],
        "changes": changes,
    }


def record_taken(entity: str, entity_id: str, label: str, facts: dict) -> None:
    """A report or an export taken away, in the append-only trail: nothing the ORM hook
    sees is written (only a file leaves), so it is recorded here, with who took it and
    `facts` (its filters, format, period) as new values. The caller commits."""
    actor_id, actor = current_actor()
    db.session.execute(
        sa.insert(AuditEvent.__table__).values(
            at=utcnow(),
            actor_id=actor_id,
            actor=actor,
            action="create",
            entity=entity,
            entity_id=entity_id,
            label=label[:255],
            changes={name: [None, value] for name, value in facts.items()},
        )
    )


def write_entries(connection, rows: list[dict]) -> None:
    if rows:
        connection.execute(sa.insert(AuditEvent.__table__), rows)


def init_app(app) -> None:
    """The audit hook on every session, and old values kept for audited models. Called by
    create_app; many apps in one process (tests) register each listener once."""
    if not sa.event.contains(so.Session, "after_flush", _record):
        sa.event.listen(so.Session, "after_flush", _record)
    if not sa.event.contains(so.Mapper, "mapper_configured", _on_mapper_configured):
        sa.event.listen(so.Mapper, "mapper_configured", _on_mapper_configured)
    for mapper in db.Model.registry.mappers:  # configured before the listener was there
        if mapper.configured:
            _keep_old_values(mapper)


def _record(session, flush_context):
    actor_id, actor = current_actor()
    now = utcnow()
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not _is_audited(obj):
                continue
            changes = None
            if action == "update":
                if not session.is_modified(obj):
                    continue
                changes = _changes(obj, getattr(type(obj), "__audit_exclude__", set()))
            row = entry(action, obj, actor_id, actor, now, changes)
            if row is not None:
                rows.append(row)
    # Straight to the connection: adding ORM objects inside a flush hook would need
    # another flush.
    if rows:
        write_entries(session.connection(), rows)


def cli_actor():
    """Changes made from the command line, recorded as made by the person at the terminal."""
    return acting_as(None, f"cli:{getpass.getuser()}")
