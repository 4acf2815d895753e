"""Database helpers every model uses: the time a row is written, and CHECK constraints
for columns that hold one of a few words."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A moment in time, stored in UTC, always read back as an aware UTC datetime.

    SQLite keeps no time zone (it hands back naive datetimes) and PostgreSQL answers in
    the connection's zone; this type is the one place that makes both answer the same,
    so no caller has to patch a naive datetime. A naive datetime on the way in is
    refused: which zone it meant cannot be known, and guessing once stored the office's
    local time as UTC. The column is DateTime(timezone=True) as the migrations made it.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime needs a datetime, not {type(value).__name__}: {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"UTCDateTime refuses a naive datetime ({value.isoformat()}): give it a time zone")
        value = value.astimezone(UTC)
        # SQLite's DATETIME would store the wall-clock digits and drop the zone anyway;
        # handing it naive UTC says so rather than relying on that.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: stored as naive UTC (see above)
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def coerce_compared_value(self, op, value):
        # `column >= some_datetime` binds through this type (so is made UTC, and naive is
        # refused); `column + timedelta` or a string keeps the plain DateTime rules.
        if isinstance(value, datetime):
            return self
        return self.impl.coerce_compared_value(op, value)


def one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
