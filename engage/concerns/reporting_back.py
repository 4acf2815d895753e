"""Reporting back (issue #21): at a ward's next meeting the officer reads out what
happened to each concern residents raised, and marks how the hall judged it
(satisfied, partly, not satisfied), one tap each on the phone, offline if need be.

The phone gives each mark its id, so a resend stores nothing new. Marks from two phones
for one concern are both kept, in the order they were made (`marked_at`, the phone's
clock): a mark never replaces another. "Not satisfied" puts the concern back before its
lead team with the residents' note: a finished concern is reopened (workflow's reopen
move), one still open keeps its status with the note in its history, and the team is
told through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from engage.accounts.policy import concern_or_404, filter_meetings, for_briefing, scope_for
from engage.concerns.capture import ValidationFailed, check
from engage.concerns.models import REPORT_BACK_VIEWS, Concern, Meeting, ReportBack, StatusChange
from engage.concerns.schemas import ReportBackInput, read
from engage.concerns.workflow import REOPEN_FROM, change_status
from engage.extensions import db
from engage.notify.services import queue_report_back_notification
from engage.platform.dates import office_day
from engage.platform.db import utcnow
from engage.platform.english import plain_date

REPORT_BACK_INPUT = ReportBackInput()
# A phone's clock may run a little fast; a mark further ahead than this was not made yet.
CLOCK_SLACK = timedelta(days=1)


class ReportBackConflict(ValueError):
    """Another mark is stored under this id: nothing was stored."""

    def __init__(self, differences: dict[str, str]):
        super().__init__("a different mark is already stored with this id: nothing was stored; send it with a new id")
        self.differences = differences


@dataclass(frozen=True)
class Judged:
    """How residents judged the concerns read back: each concern counted once, by its
    latest mark."""

    satisfied: int = 0
    partly: int = 0
    not_satisfied: int = 0

    @property
    def total(self) -> int:
        return self.satisfied + self.partly + self.not_satisfied

    @property
    def sentence(self) -> str:
        """ "3 concerns reported back: 2 satisfied, 1 not satisfied"."""
        if not self.total:
            return "No concern has been reported back yet."
        parts = [
            f"{n} {label}"
            for n, label in (
                (self.satisfied, "satisfied"),
                (self.partly, "partly satisfied"),
                (self.not_satisfied, "not satisfied"),
            )
            if n
        ]
        return f"{self.total} concern{'' if self.total == 1 else 's'} reported back: {', '.join(parts)}"


def judged(latest_views) -> Judged:
    """Counts of each view over one latest view per concern."""
    views = list(latest_views)
    return Judged(*(sum(v == view for v in views) for view in REPORT_BACK_VIEWS))


def marks_for(concern_ids, demo: bool | None = None) -> dict[str, list[ReportBack]]:
    """Each concern's marks, in the order they were made."""
    ids = list(concern_ids)
    if not ids:
        return {}
    stmt = sa.select(ReportBack).where(ReportBack.concern_id.in_(ids))
    if demo is not None:
        stmt = stmt.where(ReportBack.is_demo.is_(demo))
    out: dict[str, list[ReportBack]] = {}
    for mark in db.session.scalars(stmt.order_by(ReportBack.marked_at, ReportBack.recorded_at, ReportBack.id)):
        out.setdefault(mark.concern_id, []).append(mark)
    return out


def mark_differences(mark: ReportBack, values: dict) -> dict[str, str]:
    """The fields in which a resent mark differs from the one stored under its id."""
    stored = {
        "concern_id": mark.concern_id,
        "meeting_id": mark.meeting_id,
        "view": mark.view,
        "note": mark.note or "",
        "marked_at": mark.marked_at,
    }
    sent = {
        "concern_id": values.get("concern_id"),
        "meeting_id": values.get("meeting_id"),
        "view": values.get("view"),
        "note": values.get("note", ""),
        "marked_at": values.get("marked_at"),
    }
    return {name: "differs from the mark stored with this id" for name in stored if stored[name] != sent[name]}


def _meeting(meeting_id: str | None, scope) -> Meeting | None:
    if meeting_id is None:
        return None
    meeting = db.session.scalar(filter_meetings(scope, sa.select(Meeting).where(Meeting.id == meeting_id)))
    if meeting is None:
        raise ValidationFailed({"meeting_id": f"no meeting {meeting_id} that you can see"})
    return meeting


def not_satisfied_text(mark: ReportBack, meeting: Meeting | None) -> str:
    """What the concern's history says, in the lead team's inbox."""
    if meeting is not None:
        where = f" at {meeting.kind_label}{', ' + meeting.venue if meeting.venue else ''} on {plain_date(meeting.date)}"
    else:
        where = f" on {plain_date(office_day(mark.marked_at))}"
    note = " ".join((mark.note or "").split())
    return f"Residents not satisfied when reported back{where}{': ' + note if note else '.'}"


def _put_back_to_lead_team(concern: Concern, mark: ReportBack, meeting: Meeting | None) -> StatusChange:
    text = not_satisfied_text(mark, meeting)
    if concern.status in REOPEN_FROM:
        change = change_status(concern, "in_progress", text, mark.actor_id, mark.actor)
    else:
        # Still open: the status stays, and the residents' view joins its history.
        change = StatusChange(
            concern=concern,
            at=utcnow(),
            from_status=concern.status,
            to_status=concern.status,
            note=text,
            actor_id=mark.actor_id,
            actor=mark.actor,
        )
        db.session.add(change)
    queue_report_back_notification(concern, text)
    return change


def record_report_back(data, user) -> tuple[ReportBack, bool]:
    """Store a mark; returns (mark, created). The same id again answers the stored mark
    (created False), or raises ReportBackConflict if it is another mark. A concern the
    user may not brief is answered as one that does not exist (NotFound). The caller
    commits."""
    values, errors = read(REPORT_BACK_INPUT, data)
    if "marked_at" in values and values["marked_at"] > utcnow() + CLOCK_SLACK:
        errors.setdefault("marked_at", "is in the future: check the phone's date and time")
    check(errors)
    scope = for_briefing(scope_for(user))
    stored = db.session.get(ReportBack, values["id"])
    if stored is not None:
        concern_or_404(scope, stored.concern_id)
        differences = mark_differences(stored, values)
        if differences:
            raise ReportBackConflict(differences)
        return stored, False
    concern = concern_or_404(scope, values["concern_id"])
    meeting = _meeting(values.get("meeting_id"), scope)
    mark = ReportBack(
        id=values["id"],
        concern=concern,
        meeting=meeting,
        view=values["view"],
        note=values.get("note", ""),
        marked_at=values["marked_at"],
        recorded_at=utcnow(),
        actor_id=getattr(user, "id", None),
        actor=getattr(user, "email", None) or "unknown",
        is_demo=concern.is_demo,
    )
    db.session.add(mark)
    if mark.view == "not_satisfied":
        _put_back_to_lead_team(concern, mark, meeting)
    return mark, True


def report_back_json(mark: ReportBack) -> dict:
    return {
        "id": mark.id,
        "concern_id": mark.concern_id,
        "meeting_id": mark.meeting_id,
        "view": mark.view,
        "view_label": REPORT_BACK_VIEWS[mark.view],
        "note": mark.note or "",
        "marked_at": mark.marked_at.isoformat(),
        "recorded_at": mark.recorded_at.isoformat() if mark.recorded_at else None,
        "actor": mark.actor,
        "is_demo": mark.is_demo,
    }
