from datetime import date

from engage.platform.english import count, days, has_have, long_date, ordinal, percent, period_phrase


def test_ordinals_as_the_office_dates_meetings():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"
    ]  # fmt: skip
    assert long_date(date(2018, 7, 3)) == "3rd July 2018"


def test_a_period_names_its_year_once_unless_it_spans_two():
    assert period_phrase(date(2026, 9, 1), date(2026, 12, 4)) == "Between 1 September and 4 December 2026"
    assert period_phrase(date(2025, 12, 1), date(2026, 2, 28)) == "Between 1 December 2025 and 28 February 2026"


def test_counts_for_none_one_and_two():
    assert count(0, "resident", capital=True) == "No residents"
    assert count(1, "resident", capital=True) == "One resident"
    assert count(2, "resident", capital=True) == "Two residents"
    assert count(14, "resident") == "14 residents"
    assert f"{count(1, 'concern', words=False)} {has_have(1)} been actioned" == "1 concern has been actioned"
    assert f"3 {has_have(3)} been actioned" == "3 have been actioned"


def test_whole_days_and_no_zero_point_zero():
    assert days(2.6) == "3 days" and days(1) == "1 day" and days(0) == "0 days"
    assert percent(0, 0) == "none" and percent(2, 5) == "40%"


def test_a_meeting_as_a_public_page_gives_it():
    from datetime import time

    from engage.platform.english import clock, meeting_when

    assert meeting_when(date(2027, 2, 8), time(18, 30), "St Mary's Hall") == (
        "Monday 8th February 2027 at 6:30pm, St Mary's Hall"
    )
    assert meeting_when(date(2027, 2, 9), None, "") == "Tuesday 9th February 2027"
    assert [clock(time(h, m)) for h, m in ((19, 0), (12, 0), (0, 15), (9, 5))] == ["7pm", "noon", "12:15am", "9:05am"]
