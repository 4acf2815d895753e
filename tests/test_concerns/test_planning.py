"""Planning a meeting in a ward (issue #21): staff put it in the diary from today on,
the list shows what is coming, a past date or an unknown ward is said beside the field
with what was typed kept, and a planned meeting can be cancelled, a held one not."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.accounts.policy import scope_for
from engage.concerns.capture import ValidationFailed
from engage.concerns.models import Meeting
from engage.concerns.planning import cancel_planned, plan_meeting, upcoming_planned
from engage.extensions import db
from tests.conftest import TODAY

GRANGETOWN = "Grangetown"


def test_a_planned_meeting_is_listed_for_those_who_may_see_it(app_ctx, users):
    day = TODAY + timedelta(days=7)
    meeting = plan_meeting(
        ward_code="E05009857", day=day, start_time=None, venue="Hall", kind="pact", today=TODAY, user=users["staff"]
    )
    db.session.commit()
    assert meeting.status == "planned" and meeting.kind == "pact"
    assert meeting in upcoming_planned(scope_for(users["officer"]), TODAY, demo=False)
    assert meeting in upcoming_planned(scope_for(users["inspector"]), TODAY, demo=False)  # their ward
    assert meeting not in upcoming_planned(scope_for(users["officer"]), day + timedelta(days=1), demo=False)


def test_a_past_day_is_refused_and_a_held_meeting_cannot_be_cancelled(app_ctx, users):
    with pytest.raises(ValidationFailed) as raised:
        plan_meeting(
            ward_code="E05009857",
            day=TODAY - timedelta(days=1),
            start_time=None,
            venue="",
            kind="pact",
            today=TODAY,
            user=None,
        )
    assert "past" in raised.value.errors["date"]
    meeting = plan_meeting(
        ward_code="E05009857", day=TODAY, start_time=None, venue="", kind="pact", today=TODAY, user=None
    )
    cancel_planned(meeting)
    assert meeting.status == "cancelled"
    with pytest.raises(ValidationFailed, match="only a planned one"):
        cancel_planned(meeting)


def test_staff_plan_a_meeting_in_grangetown_by_its_name(staff_client, today):
    day = (today + timedelta(days=10)).isoformat()
    page = staff_client.get("/meetings/planned?ward=Grangetown")
    assert 'value="Grangetown"' in page.text
    answer = staff_client.post(
        "/meetings/planned",
        data={
            "ward": GRANGETOWN,
            "day": day,
            "start_time": "18:30",
            "venue": "Grangetown Library",
            "kind": "your_force_your_voice",
        },
        follow_redirects=True,
    )
    assert answer.status_code == 200
    assert "Planned: Your Force Your Voice in Grangetown" in answer.text
    assert "Grangetown Library" in answer.text and "18:30" in answer.text
    stored = db.session.scalar(sa.select(Meeting).where(Meeting.venue == "Grangetown Library"))
    assert stored.status == "planned" and [w.name for w in stored.wards] == ["Grangetown"]


def test_bad_input_is_said_beside_each_field_and_kept(staff_client, today):
    answer = staff_client.post(
        "/meetings/planned",
        data={"ward": "Grangetwon Nowhere", "day": "31/02/2026", "start_time": "half six", "venue": "Kept Hall"},
    )
    assert answer.status_code == 422
    assert "Nothing was planned: 3 things need correcting" in answer.text
    assert 'value="Kept Hall"' in answer.text and 'value="half six"' in answer.text
    assert "like 18:30" in answer.text and "like 2026-12-15" in answer.text
    past = staff_client.post(
        "/meetings/planned", data={"ward": GRANGETOWN, "day": (today - timedelta(days=3)).isoformat(), "kind": "pact"}
    )
    assert past.status_code == 422 and "is past" in past.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0


def test_cancelling_from_the_list(staff_client, users, today):
    meeting = plan_meeting(
        ward_code="E05009857", day=today, start_time=None, venue="Cancel Hall", kind="pact", today=today, user=None
    )
    db.session.commit()
    answer = staff_client.post(f"/meetings/{meeting.id}/cancel", follow_redirects=True)
    assert "Cancelled the meeting" in answer.text and "Cancel Hall" not in answer.text


def _hold(client, meeting, **changes):
    body = {"id": meeting["id"], "ward_codes": ["E05009857"], "date": meeting["date"], "status": "held"}
    body |= {"attendance": 23} | changes
    return client.post("/api/v1/meetings", json=body)


def test_the_phone_holds_the_planned_meeting_under_its_id(officer_client, today):
    """The officer opens a planned meeting on the phone and starts it: the plan becomes
    the meeting, so its brief's marks and the night's concerns share one meeting."""
    meeting = plan_meeting(
        ward_code="E05009857",
        day=today,
        start_time=None,
        venue="Planned Hall",
        kind="your_force_your_voice",
        today=today,
        user=None,
    )
    db.session.commit()
    meeting = {"id": meeting.id, "date": meeting.date.isoformat()}
    answer = _hold(officer_client, meeting, venue="Planned Hall")
    assert answer.status_code == 201, answer.json
    assert answer.json["status"] == "held" and answer.json["venue"] == "Planned Hall"
    assert answer.json["attendance"] == 23
    again = _hold(officer_client, meeting, venue="Planned Hall")  # a resend is a resend
    assert again.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 1


def test_a_plan_is_not_taken_over_by_another_ward_or_a_second_plan(officer_client, today):
    meeting = plan_meeting(
        ward_code="E05009857", day=today, start_time=None, venue="", kind="pact", today=today, user=None
    )
    db.session.commit()
    meeting_id, meeting = meeting.id, {"id": meeting.id, "date": meeting.date.isoformat()}
    assert _hold(officer_client, meeting, ward_codes=["E05009866"]).status_code == 409
    assert _hold(officer_client, meeting, status="planned").status_code == 409
    assert db.session.get(Meeting, meeting_id).status == "planned"


def test_the_offices_own_meetings_are_not_in_the_ward_diary(app_ctx, users):
    from engage.minutes.services import create_meeting

    office = create_meeting(
        kind="partnership",
        series="Working Together",
        day=TODAY,
        start_time=None,
        venue="HQ",
        today=TODAY,
        actor_id=None,
    )
    ward = plan_meeting(
        ward_code="E05009857", day=TODAY, start_time=None, venue="", kind="pact", today=TODAY, user=None
    )
    db.session.commit()
    listed = upcoming_planned(scope_for(users["staff"]), TODAY, demo=False)
    assert ward in listed and office not in listed
