"""Concerns that reached the server before their meeting."""

from __future__ import annotations

import sqlalchemy as sa

from engage.concerns.models import Concern, Meeting
from engage.extensions import db
from engage.teams.routing import route_concern


def place_waiting_concerns(meeting: Meeting) -> int:
    """A concern sent with no position before its meeting arrived could not be placed
    and went to triage for review. Now that the meeting is here, it belongs in the
    meeting's ward, like any concern placed "at the meeting": place and route it."""

    if not meeting.wards:
        return 0
    waiting = db.session.scalars(
        sa.select(Concern).where(
            Concern.meeting_ref == meeting.id,
            Concern.ward_id.is_(None),
            Concern.location_source == "meeting",
            Concern.lon.is_(None),
            Concern.grid_ref.is_(None),
        )
    ).all()
    ward = meeting.wards[0]
    for concern in waiting:
        concern.ward, concern.boundary_set_id, concern.needs_review = ward, ward.boundary_set_id, False
        route_concern(concern, notify=concern.channel != "import")
    return len(waiting)
