"""Days and the moments they span: the one place a date range becomes datetimes, and the
one place the office's time zone is named."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

# People read and filter times as they are on the wall in Cleveland.
OFFICE_ZONE = ZoneInfo("Europe/London")


def day_range(first: date | None, last: date | None, zone: tzinfo = UTC) -> tuple[datetime | None, datetime | None]:
    """The first moment of `first` and the last moment of `last` (both days included), as
    aware UTC datetimes for comparing with a UTCDateTime column (`>=` and `<=`, or
    `between`). The days are the calendar days in `zone`: reports, maps and exports count
    UTC days, the audit trail the office's (OFFICE_ZONE). An open end (None) stays None."""
    start = datetime.combine(first, time.min, tzinfo=zone).astimezone(UTC) if first is not None else None
    end = datetime.combine(last, time.max, tzinfo=zone).astimezone(UTC) if last is not None else None
    return start, end


def office_day(moment: datetime | None = None) -> date:
    """The calendar day on the office's wall at `moment` (an aware datetime; now when
    None): what "raised on", "due" and "overdue" count in."""
    return (moment or datetime.now(UTC)).astimezone(OFFICE_ZONE).date()
