"""Ward visits: coverage plans the year. Per ward its last meeting, the next one planned,
and when the next is due by the target interval for its designation (Strengthen wards more often).

The intervals are admin settings (`targets`, `write_targets`); the figures come from
`aggregation.ward_meetings`, so a meeting held today counts at once."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from engage.geography.boundaries import current_boundary_set
from engage.geography.register import register_entries
from engage.platform.dates import add_months
from engage.platform.settings import read_setting, write_setting
from engage.reports.aggregation import Period, ward_meetings

TARGETS_KEY = "coverage_targets"
DESIGNATIONS = ("strengthen", "support", "sustain")
DEFAULT_TARGETS = {"strengthen": 6, "support": 12, "sustain": 12}
# A ward with no designation recorded: the programme's own promise, once a year.
UNDESIGNATED_MONTHS = 12
MAX_MONTHS = 36
DUE_WINDOW_DAYS = 60

STATUS_LABELS = {
    "never": "never visited",
    "overdue": "overdue",
    "due_soon": f"due within {DUE_WINDOW_DAYS} days",
    "on_track": "on track",
}


def targets() -> dict[str, int]:
    stored = read_setting(TARGETS_KEY, DEFAULT_TARGETS)
    return {d: int(stored.get(d) or DEFAULT_TARGETS[d]) for d in DESIGNATIONS}


def target_problems(values: dict) -> dict[str, str]:
    """What is wrong with intervals typed by an admin, by designation ({} when nothing is)."""
    problems = {}
    for d in DESIGNATIONS:
        value = values.get(d)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_MONTHS:
            problems[d] = f"Give a whole number of months from 1 to {MAX_MONTHS}."
    return problems


def write_targets(values: dict[str, int], actor: str) -> None:
    if target_problems(values):
        raise ValueError(target_problems(values))
    write_setting(TARGETS_KEY, {d: values[d] for d in DESIGNATIONS}, actor)


@dataclass
class WardPlan:
    code: str
    name: str
    authority: str
    designation: str | None
    designation_label: str  # "Support (sample)", or "not recorded"
    visited: bool  # a Your Force Your Voice meeting held in the period
    last_meeting: date | None  # the last held, up to today
    next_planned: date | None  # the first planned, from today
    target_months: int
    due: date | None  # last meeting + the target; None when never visited (due now)
    status: str  # a key of STATUS_LABELS

    @property
    def overdue(self) -> bool:
        return self.status in ("never", "overdue")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _status(due: date | None, today: date) -> str:
    if due is None:
        return "never"
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=DUE_WINDOW_DAYS):
        return "due_soon"
    return "on_track"


def plan(period: Period, source: str, today: date) -> list[WardPlan]:
    """Every ward of the current set, in authority then name order."""
    intervals = targets()
    entries = register_entries(current_boundary_set(), on=today)
    meetings = ward_meetings(period, source, today)
    rows = []
    for e in entries:
        held_in_period, last, planned = meetings.get(e.ward.code, (False, None, None))
        months = intervals.get(e.designation, UNDESIGNATED_MONTHS)
        due = add_months(last, months) if last else None
        rows.append(
            WardPlan(
                e.ward.code,
                e.ward.name,
                e.ward.local_authority.name,
                e.designation,
                e.designation_label or "not recorded",
                held_in_period,
                last,
                planned,
                months,
                due,
                _status(due, today),
            )
        )
    return sorted(rows, key=lambda w: (w.authority, w.name))


def due_with_nothing_planned(rows: list[WardPlan]) -> list[WardPlan]:
    """Wards due within DUE_WINDOW_DAYS (or overdue, or never visited) with no meeting planned."""
    return [w for w in rows if w.status != "on_track" and w.next_planned is None]


CSV_COLUMNS = (
    "ward_code",
    "ward_name",
    "authority",
    "designation",
    "visited_in_period",
    "last_meeting",
    "next_planned",
    "target_months",
    "due",
    "overdue",
    "status",
)


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def coverage_csv(rows: list[WardPlan]) -> str:
    """The coverage table as CSV, in words a spreadsheet reader expects: yes/no, ISO dates."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for w in rows:
        writer.writerow(
            [
                w.code,
                w.name,
                w.authority,
                w.designation_label,
                yes_no(w.visited),
                w.last_meeting or "",
                w.next_planned or "",
                w.target_months,
                w.due or "",
                yes_no(w.overdue),
                w.status_label,
            ]
        )
    return out.getvalue()
