"""engage.platform.dates.day_range: the one way a range of days becomes the moments it spans."""

from datetime import UTC, date, datetime

from engage.platform.dates import OFFICE_ZONE, day_range


def test_utc_days_include_the_whole_of_both_days():
    start, end = day_range(date(2026, 6, 1), date(2026, 6, 30))
    assert start == datetime(2026, 6, 1, tzinfo=UTC)
    assert end == datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=UTC)


def test_office_days_follow_british_summer_time():
    start, end = day_range(date(2026, 6, 17), date(2026, 6, 17), OFFICE_ZONE)
    assert start == datetime(2026, 6, 16, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 6, 17, 22, 59, 59, 999999, tzinfo=UTC)
    assert start.tzinfo is UTC and end.tzinfo is UTC


def test_an_open_end_stays_open():
    assert day_range(None, date(2026, 1, 1))[0] is None
    assert day_range(date(2026, 1, 1), None)[1] is None
