"""Writing a request's new rows without the unit of work.

A concern POST adds a concern, its routing record, the teams copied in and perhaps an
e-mail or two, and nothing else. `session.flush()` would work out the order, sync the
foreign keys, run the audit hook and then expire and reconcile each object: about a
third of the request's CPU (docs/benchmarks.md, "Capture"). `insert_new` writes the
same rows with one Core INSERT per table, writes the same audit entries through the
same functions as the audit hook, and leaves the objects in the session as though
they had just been loaded, so the answer is built from them without a query.

Only for the kinds of rows listed in FAST; anything else pending (or anything
changed or deleted) goes through the ordinary flush, so a caller can always call
this instead of `flush()`. tests/test_services/test_new_rows.py checks that both
ways store the same rows and the same audit entries.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.concerns.models import Concern, ConcernRouting
from engage.extensions import db
from engage.notify.models import OutboxMessage
from engage.platform import audit
from engage.platform.db import utcnow

FAST = (Concern, ConcernRouting, OutboxMessage)

_table_order = {t: i for i, t in enumerate(db.Model.metadata.sorted_tables)}


def insert_new(session: so.Session) -> None:
    new = list(session.new)
    if not new or session.deleted or any(session.is_modified(o) for o in session.dirty) \
            or not all(type(o) in FAST for o in new):
        session.flush()
        return
    new.sort(key=lambda o: _table_order[type(o).__table__])
    connection = session.connection()
    by_table: dict[sa.Table, list[tuple[object, dict]]] = defaultdict(list)
    for obj in new:
        by_table[type(obj).__table__].append((obj, _row(obj)))
    links = []
    for table, pairs in sorted(by_table.items(), key=lambda item: _table_order[item[0]]):
        for obj, row in pairs:
            _sync_foreign_keys(obj, row)
        _insert(connection, table, pairs)
        for obj, _row_values in pairs:
            links += _secondary_rows(obj)
    for secondary, rows in _group(links).items():
        connection.execute(secondary.insert(), rows)
    actor_id, actor = audit.current_actor()
    now = utcnow()
    audit.write_entries(connection, [row for obj in new if getattr(type(obj), "__audited__", False)
                                     for row in [audit.entry("create", obj, actor_id, actor, now)] if row])
    # Persistent from here on, with what was written as their loaded state: nothing
    # for a later flush to do.
    for obj in new:
        if obj in session:
            session.expunge(obj)
    for obj in new:
        so.make_transient_to_detached(obj)
    for obj in new:
        session.add(obj)


def _row(obj) -> dict:
    """The column values to insert, defaults applied as Core would, set on the object
    too so that it reads them back without a query."""
    mapper = sa.inspect(obj).mapper
    values = obj.__dict__
    row = {}
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if attr.key in values:
            row[column.key] = values[attr.key]
        elif column.default is not None and not column.default.is_sequence:
            default = column.default.arg(None) if column.default.is_callable else column.default.arg
            so.attributes.set_committed_value(obj, attr.key, default)
            row[column.key] = default
        elif column.server_default is None and not column.primary_key:
            so.attributes.set_committed_value(obj, attr.key, None)  # NULL, and known to be
    return row


def _sync_foreign_keys(obj, row: dict) -> None:
    """Many-to-one relationships set by object (routing.concern = concern) give their
    foreign keys, as the flush would."""
    mapper = sa.inspect(obj).mapper
    for rel in mapper.relationships:
        if rel.direction is not so.interfaces.MANYTOONE or rel.key not in obj.__dict__:
            continue
        target = obj.__dict__[rel.key]
        for local, remote in rel.local_remote_pairs:
            value = None
            if target is not None:
                value = getattr(target, sa.inspect(target).mapper.get_property_by_column(remote).key)
            row[local.key] = value
            so.attributes.set_committed_value(obj, mapper.get_property_by_column(local).key, value)


def _insert(connection, table: sa.Table, pairs) -> None:
    autoincrement = [c for c in table.primary_key.columns if c.autoincrement is True or
                     (c.autoincrement == "auto" and isinstance(c.type, sa.Integer))]
    if not autoincrement:
        connection.execute(table.insert(), [row for _obj, row in pairs])
        return
    key = autoincrement[0]
    for obj, row in pairs:  # one at a time: each needs its generated id back
        result = connection.execute(table.insert(), row)
        value = result.inserted_primary_key[0]
        row[key.key] = value
        so.attributes.set_committed_value(obj, sa.inspect(obj).mapper.get_property_by_column(key).key, value)


def _secondary_rows(obj) -> list[tuple[sa.Table, dict]]:
    mapper = sa.inspect(obj).mapper
    rows = []
    for rel in mapper.relationships:
        if rel.secondary is None or rel.viewonly or rel.key not in obj.__dict__:
            continue
        for target in obj.__dict__[rel.key] or ():
            row = {}
            for column, source in rel.secondary_synchronize_pairs:
                row[source.key] = getattr(target, sa.inspect(target).mapper.get_property_by_column(column).key)
            for column, source in rel.synchronize_pairs:
                row[source.key] = getattr(obj, mapper.get_property_by_column(column).key)
            rows.append((rel.secondary, row))
    return rows


def _group(links):
    grouped = defaultdict(list)
    for table, row in links:
        grouped[table].append(row)
    return grouped
