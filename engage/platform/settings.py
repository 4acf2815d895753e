"""Settings an admin edits once (the office's letterhead, target intervals...): one row
per key, holding a JSON value. Each domain declares its own keys and their defaults
where it uses them; this module only stores and reads them, so it knows no domain rule.
"""

from __future__ import annotations

import copy
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.platform.db import UTCDateTime, utcnow


class Setting(db.Model):
    __tablename__ = "setting"
    __audited__ = True

    key: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    value: so.Mapped[dict] = so.mapped_column(sa.JSON)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="")


def read_setting(key: str, default: dict) -> dict:
    """The stored value over `default`: a key the admin never set reads as its default,
    and one added to the defaults later is filled in from them."""
    row = db.session.get(Setting, key)
    out = copy.deepcopy(default)
    if row is not None and isinstance(row.value, dict):
        out.update(row.value)
    return out


def write_setting(key: str, value: dict, actor: str) -> Setting:
    """Store `value` (the caller commits); the audit trail keeps the change."""
    row = db.session.get(Setting, key)
    if row is None:
        row = Setting(key=key, value=value, updated_by=actor)
        db.session.add(row)
    else:
        row.value = value
        row.updated_by = actor
    return row
