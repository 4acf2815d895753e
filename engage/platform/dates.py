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


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months on (or back), on the month's last day when
    it has no such day: 31 August + 6 months is 28 (or 29) February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_first = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_first - date.resolution).day
    return date(year, month, min(day.day, last_day))


def last_twelve_months(today: date) -> tuple[date, date]:
    """The twelve months ending today, today included: from the day after the same date
    a year ago. A meeting held today counts in it; one held exactly a year ago does not
    (it is in the twelve months before)."""
    return add_months(today, -12) + date.resolution, today
