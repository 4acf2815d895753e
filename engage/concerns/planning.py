"""Planning a meeting in a ward: staff and officers put it in the diary, the officer
opens it on the phone with the ward's brief, and it is held or cancelled. A planned
meeting is an ordinary `Meeting` with status 'planned' (the phone's record of it later
turns it into a held one)."""

from __future__ import annotations

import uuid
from datetime import date, time

import sqlalchemy as sa

from engage.accounts.policy import Scope, filter_meetings
from engage.concerns.capture import ValidationFailed, record_meeting
from engage.concerns.models import Meeting
from engage.extensions import db
from engage.minutes.models import OFFICE_MEETING_KINDS

PLANNED_SHOWN = 200


def plan_meeting(
    *, ward_code: str, day: date, start_time: time | None, venue: str, kind: str, today: date, user, is_demo=False
) -> Meeting:
    """A planned meeting in one ward on `day` (today or later). The checks every meeting
    gets (a known ward and kind, the venue's length) are `record_meeting`'s; their
    messages come back in ValidationFailed, per field."""
    if day < today:
        raise ValidationFailed({"date": f"{day:%-d %B %Y} is past: a planned meeting is on today or a later day"})
    body = {"id": str(uuid.uuid4()), "ward_codes": [ward_code], "date": day.isoformat(), "venue": venue}
    body |= {"kind": kind, "status": "planned"}
    if start_time is not None:
        body["start_time"] = start_time.strftime("%H:%M")
    meeting, _ = record_meeting(body, user, is_demo=is_demo)
    return meeting


def upcoming_planned(scope: Scope, today: date, demo: bool) -> list[Meeting]:
    """Planned ward meetings from today on that the user may see, soonest first (the
    office's own partnership and scrutiny meetings are on the minutes pages)."""
    stmt = (
        sa.select(Meeting)
        .where(Meeting.status == "planned", Meeting.date >= today, Meeting.is_demo.is_(demo))
        .where(Meeting.kind.notin_(OFFICE_MEETING_KINDS))
        .order_by(Meeting.date, Meeting.start_time)
        .limit(PLANNED_SHOWN)
    )
    return list(db.session.scalars(filter_meetings(scope, stmt)))


def cancel_planned(meeting: Meeting) -> None:
    if meeting.status != "planned":
        raise ValidationFailed(
            {"status": f"the meeting is {meeting.status}, not planned: only a planned one is cancelled"}
        )
    meeting.status = "cancelled"
