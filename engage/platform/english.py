"""Numbers, dates and periods in the English the office writes to the Panel and to
residents: "Between 1 September and 4 December 2026", "8th February", "Two residents",
"1 has been actioned", "3 days". One place, so the report, "You said, we did" and the
pages say them the same way."""

from __future__ import annotations

from datetime import date, time

WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def day_month(d: date) -> str:
    """ "8th February", as the Panel report dates a meeting within its period."""
    return f"{ordinal(d.day)} {d:%B}"


def long_date(d: date) -> str:
    """ "3rd July 2018", as the report is dated."""
    return f"{ordinal(d.day)} {d:%B %Y}"


def plain_date(d: date) -> str:
    """ "1 September 2026"."""
    return f"{d.day} {d:%B %Y}"


def period_phrase(start: date, end: date) -> str:
    """ "Between 1 September and 4 December 2026" (the year once when both share it)."""
    first = f"{start.day} {start:%B}" if start.year == end.year else plain_date(start)
    return f"Between {first} and {plain_date(end)}"


def number(n: int, capital: bool = False) -> str:
    """Small counts in words ("two"), larger in figures ("14"), as prose writes them."""
    text = WORDS[n] if 0 <= n < len(WORDS) else f"{n:,}"
    return text[:1].upper() + text[1:] if capital else text


def count(n: int, singular: str, plural: str | None = None, words: bool = True, capital: bool = False) -> str:
    """ "Two residents", "one resident", "14 residents"; words=False keeps figures: "1 resident"."""
    noun = singular if n == 1 else (plural or singular + "s")
    figure = number(n, capital) if words else f"{n:,}"
    return f"{figure} {noun}"


def has_have(n: int) -> str:
    """ "1 has been actioned", "3 have been actioned"."""
    return "has" if n == 1 else "have"


def days(n: float) -> str:
    """Whole days: "3 days", "1 day" (never "2.5 days" or "0.0")."""
    whole = round(n)
    return f"{whole} day" if whole == 1 else f"{whole} days"


def percent(part: int, whole: int) -> str:
    """ "40%", whole numbers; "none" when there is nothing to divide (never "0.0%")."""
    if not whole:
        return "none"
    return f"{round(100 * part / whole)}%"


def weekday_date(d: date) -> str:
    """ "Tuesday 8th February 2027", as a public page gives a meeting's day."""
    return f"{d:%A} {long_date(d)}"


def clock(t: time) -> str:
    """ "6:30pm", "7pm", "noon": a time as a poster gives it."""
    if t.hour == 12 and t.minute == 0:
        return "noon"
    hour = t.hour % 12 or 12
    minutes = f":{t.minute:02d}" if t.minute else ""
    return f"{hour}{minutes}{'am' if t.hour < 12 else 'pm'}"


def meeting_when(d: date, t: time | None = None, venue: str = "") -> str:
    """ "Tuesday 8th February 2027 at 6:30pm, St Mary's Hall" (the time and venue when known)."""
    text = weekday_date(d) + (f" at {clock(t)}" if t is not None else "")
    return f"{text}, {venue.strip()}" if venue.strip() else text
