"""The Panel report's figures for actions (docs/panel-report.md): of the actions due in
the report's period, how many were done on time, done late, dropped, and are still open
(and, of those, overdue). Each action due in the period is counted once, in one row by
where it came from: residents' concerns, or the minutes of partnership and scrutiny
meetings. Actions with no due date (minuted without one) are not counted. Real or demo
actions, never both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from engage.actions.models import Action
from engage.extensions import db
from engage.platform.dates import office_day


@dataclass
class ActionRow:
    label: str
    due: int = 0
    on_time: int = 0
    late: int = 0
    dropped: int = 0
    open: int = 0
    overdue: int = 0  # of the open ones, past their due date on the report's day

    def add(self, other: ActionRow) -> None:
        for name in ("due", "on_time", "late", "dropped", "open", "overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ActionFigures:
    from_concerns: ActionRow
    from_minutes: ActionRow
    total: ActionRow


def done_on_time(due_date: date, closed_at) -> bool:
    """Done on or before the day it was due, on the office's calendar."""
    return office_day(closed_at) <= due_date


def action_figures(start: date, end: date, source: str, today: date) -> ActionFigures:
    """The actions due from `start` to `end` (both included), as they stand today."""
    rows = db.session.execute(
        sa.select(Action.concern_id.isnot(None), Action.status, Action.due_date, Action.closed_at).where(
            Action.due_date.between(start, end), Action.is_demo.is_(source == "demo")
        )
    ).all()
    concerns, minutes = ActionRow("From residents' concerns"), ActionRow("From meetings' minutes")
    for from_concern, status, due_date, closed_at in rows:
        row = concerns if from_concern else minutes
        row.due += 1
        if status == "done":
            if done_on_time(due_date, closed_at):
                row.on_time += 1
            else:
                row.late += 1
        elif status == "dropped":
            row.dropped += 1
        else:
            row.open += 1
            row.overdue += due_date < today
    total = ActionRow("All actions")
    total.add(concerns)
    total.add(minutes)
    return ActionFigures(concerns, minutes, total)
