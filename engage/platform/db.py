"""Database helpers every model uses: the time a row is written, and CHECK constraints
for columns that hold one of a few words."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
