"""A Working Together meeting held two months ago, with minuted actions: one owned by a
name as minuted, one by a team with a due date, one already done."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from engage.actions.services import update_action
from engage.extensions import db
from engage.minutes import services
from tests.conftest import TODAY

FEAKS = "J Feaks, Redcar and Cleveland Borough Council"


def new_meeting(series="Working Together", day=TODAY, kind="partnership", venue="PCC Conference Room"):
    return services.create_meeting(
        kind=kind, series=series, day=day, start_time=time(10), venue=venue, today=TODAY, actor_id=None
    )


@pytest.fixture
def held(app_ctx, team):
    meeting = new_meeting(day=TODAY - timedelta(days=60))
    services.set_attendance(
        meeting,
        "B Coppinger, Police and Crime Commissioner for Cleveland (Chair)\n" + FEAKS,
        "Steve Hume, Stockton Borough Council",
    )
    bikes = services.add_item(meeting, "Off-road bikes", "Insp Smith")
    needles = services.add_item(meeting, "Discarded needles", "J Hodgkinson")
    services.edit_item(
        bikes, title="Off-road bikes", presenter="Insp Smith", discussion="Quads on Eston Hills at weekends."
    )
    args = dict(today=TODAY - timedelta(days=60), actor_id=None, actor="staff@example.org")
    feaks = services.add_item_action(
        bikes, title="Provide an update on target hardening", due_date=None, owner_name=FEAKS, **args
    )
    patrol = services.add_item_action(
        bikes, title="Patrol the beck path", due_date=TODAY + timedelta(days=7), owner_team=team, **args
    )
    done = services.add_item_action(needles, title="Map the needle bins", due_date=None, owner_name="R Kipling", **args)
    db.session.flush()
    update_action(done, actor_id=None, actor="staff@example.org", status="done", note="Bins mapped")
    done.closed_at = datetime.combine(meeting.date, time(11), UTC)  # done at that meeting, not since
    db.session.commit()
    return {"meeting": meeting, "feaks": feaks, "patrol": patrol, "done": done, "bikes": bikes}
