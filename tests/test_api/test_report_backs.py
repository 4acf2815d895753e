"""The brief on the phone and "reported back" marks through the API (issue #21): the
planned meetings an officer may open, a meeting's brief as JSON (no contact details),
marks stored once per id, 409 for another mark under an id, 422 naming the field, 404 for
a concern the user may not brief, and a "not satisfied" concern open again in its lead
team's inbox."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from engage.concerns.capture import raise_concern, record_meeting
from engage.concerns.workflow import change_status
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from tests.conftest import TODAY, logged_in_client, make_team

CENTRAL = "E05009857"


def planned(ward=CENTRAL, days=7, venue="Community Centre", user=None):
    body = {"id": str(uuid.uuid4()), "ward_codes": [ward], "date": (TODAY + timedelta(days=days)).isoformat()}
    m, _ = record_meeting(body | {"venue": venue, "status": "planned"}, user)
    db.session.commit()
    return m.id  # an id: the object is detached once a request has run


def acted_concern(ward=CENTRAL, text="Cars racing on Union Street", user=None):
    body = {"id": str(uuid.uuid4()), "ward_code": ward, "category": "speeding", "description": text}
    body |= {"contact_consent": True, "contact_name": "Ann Resident", "contact_details": "07700 900123"}
    body["raised_at"] = datetime.combine(TODAY - timedelta(days=30), time(19), tzinfo=UTC).isoformat()
    c, _ = raise_concern(body, user, notify=False)
    change_status(c, "action_taken", "Speed checks on Tuesdays", None, "test")
    db.session.commit()
    return c.id, c.lead_team_id


def mark(concern_id, view="satisfied", **more):
    body = {"id": str(uuid.uuid4()), "concern_id": concern_id, "view": view, "marked_at": f"{TODAY}T19:30:00Z"}
    return body | more


def test_the_officer_lists_planned_meetings_staff_made_and_opens_the_brief(officer_client, users):
    # Planned by staff (no user here), not by the officer.
    soon, later = planned(days=3), planned(days=10, venue="Old Library")
    planned(days=-3, venue="Was planned")  # before today: not listed from today
    listed = officer_client.get(f"/api/v1/meetings?status=planned&from={TODAY}").get_json()["meetings"]
    assert [m["id"] for m in listed] == [soon, later]  # soonest first

    c, _ = acted_concern()  # not logged by the officer, yet in the ward's brief
    answer = officer_client.get(f"/api/v1/meetings/{soon}/brief")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    (brief,) = body["briefs"]
    assert body["meeting"]["venue"] == "Community Centre" and brief["ward_code"] == CENTRAL
    (item,) = [i for i in brief["items"] if i["id"] == c]
    assert item["status"] == "Action taken" and item["we_did"] == "Speed checks on Tuesdays" and item["lead_team"]
    assert item["marks"] == [] and brief["reported_back"]["total"] == 0
    # What residents here raise most, against the authority and Cleveland; no update published yet.
    (theme,) = brief["themes"]["rows"]
    assert theme["label"] == "Speeding and road safety" and theme["ward"] == 1 and theme["ward_share"] == "100%"
    assert brief["you_said_we_did"] is None
    assert brief["actions"] == [] and brief["actions_more"] == 0
    text = answer.get_data(as_text=True)
    assert "Ann Resident" not in text and "07700" not in text  # never contact details


def test_a_mark_is_stored_once_and_shows_in_the_brief(officer_client, users):
    m = planned()
    c, _ = acted_concern()
    body = mark(c, "partly", note="Better on weekdays", meeting_id=m)
    first = officer_client.post("/api/v1/report-backs", json=body)
    assert first.status_code == 201 and first.get_json()["view_label"] == "Partly satisfied"
    again = officer_client.post("/api/v1/report-backs", json=body)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    other = officer_client.post("/api/v1/report-backs", json=body | {"view": "satisfied"})
    assert other.status_code == 409 and set(other.get_json()["fields"]) == {"view"}
    officer_client.post("/api/v1/report-backs", json=mark(c, "satisfied", marked_at=f"{TODAY}T19:45:00+00:00"))
    (brief,) = officer_client.get(f"/api/v1/meetings/{m}/brief").get_json()["briefs"]
    (item,) = [i for i in brief["items"] if i["id"] == c]
    assert [x["view"] for x in item["marks"]] == ["partly", "satisfied"]
    assert brief["reported_back"]["sentence"] == "1 concern reported back: 1 satisfied"


def test_bad_marks_are_named(officer_client):
    c, _ = acted_concern()
    answer = officer_client.post("/api/v1/report-backs", json=mark(c, "thrilled", marked_at="last night"))
    assert answer.status_code == 422
    fields = answer.get_json()["fields"]
    assert "'thrilled' is not one of" in fields["view"] and "ISO 8601" in fields["marked_at"]
    assert officer_client.post("/api/v1/report-backs", data="view=satisfied").status_code == 422


def test_a_concern_the_user_may_not_brief_is_answered_as_none(app, inspector_client, officer_client):
    stockton = db.session.scalar(
        sa.select(Ward.code)
        .where(Ward.boundary_set_id == current_boundary_set().id, Ward.local_authority.has(code="E06000004"))
        .order_by(Ward.code)
    )
    make_team("INT-STOCK", ward_codes=(stockton,), lad_code="E06000004")
    elsewhere, _ = acted_concern(ward=stockton)
    refused = inspector_client.post("/api/v1/report-backs", json=mark(elsewhere))
    missing = inspector_client.post("/api/v1/report-backs", json=mark(str(uuid.uuid4())))
    assert refused.status_code == missing.status_code == 404
    assert refused.get_json()["error"].startswith("no concern")
    # The officer reads every ward's concerns in its brief, and may mark them.
    assert officer_client.post("/api/v1/report-backs", json=mark(elsewhere)).status_code == 201


def test_not_satisfied_puts_the_concern_back_in_the_lead_teams_inbox(app, users, team):
    team_id = team.id
    m = planned(days=0)
    c, lead_team_id = acted_concern()
    assert lead_team_id == team_id
    officer_client, inspector_client = (
        logged_in_client(app, users["officer"]),
        logged_in_client(app, users["inspector"]),
    )
    note = "Still racing every night"
    answer = officer_client.post("/api/v1/report-backs", json=mark(c, "not_satisfied", note=note, meeting_id=m))
    assert answer.status_code == 201
    inbox = inspector_client.get("/inbox").get_data(as_text=True)
    assert "Cars racing on Union Street" in inbox
    page = inspector_client.get(f"/inbox/concerns/{c}").get_data(as_text=True)
    assert "Residents not satisfied when reported back at Your Force Your Voice, Community Centre" in page
    assert note in page and "In progress" in page


def test_the_phones_brief_lists_the_actions_agreed_in_the_ward(officer_client, users):
    from engage.actions.services import create_action
    from engage.concerns.models import Concern

    m = planned()
    c, _ = acted_concern()
    concern = db.session.get(Concern, c)
    create_action(
        title="Patrol Union Street on Fridays",
        due_date=TODAY - timedelta(days=2),
        today=TODAY - timedelta(days=20),
        actor_id=None,
        actor="test",
        owner_team=concern.lead_team,
        concern=concern,
    )
    db.session.commit()
    (brief,) = officer_client.get(f"/api/v1/meetings/{m}/brief").get_json()["briefs"]
    (action,) = brief["actions"]
    assert action["title"] == "Patrol Union Street on Fridays" and action["status"] == "Open" and action["overdue"]


def test_the_phones_brief_carries_the_consultation_and_police_uk_beside_the_meetings(officer_client):
    from engage.consultations.services import create_consultation, record_response
    from engage.records.models import RecordedCount, RecordedMonth

    m = planned()
    (empty,) = officer_client.get(f"/api/v1/meetings/{m}/brief").get_json()["briefs"]
    assert empty["priorities"] is None and empty["recorded"] is None
    ward = db.session.scalar(sa.select(Ward).where(Ward.code == CENTRAL))
    c = create_consultation(
        title="Central priorities",
        opens_on=TODAY - timedelta(days=40),
        closes_on=TODAY - timedelta(days=10),
        options=["Drugs", "Speeding", "Visible policing"],
        today=TODAY - timedelta(days=41),
        actor="staff",
    )
    drugs = next(o.id for o in c.options if o.label == "Drugs")
    for n in range(12):
        record_response(c, ward_id=ward.id, option_ids=[drugs], today=TODAY, channel="paper", source_ref=f"P{n}")
    month = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    db.session.add(RecordedMonth(month=month, rows_stored=9))
    db.session.add_all(
        [
            RecordedCount(month=month, ward_id=ward.id, crime_type="Anti-social behaviour", count=7),
            RecordedCount(month=month, ward_id=ward.id, crime_type="Burglary", count=2),
        ]
    )
    db.session.commit()
    (brief,) = officer_client.get(f"/api/v1/meetings/{m}/brief").get_json()["briefs"]
    assert "Central priorities" in brief["priorities"] and "12 responses" in brief["priorities"]
    assert "Drugs" in brief["priorities"]
    assert brief["recorded"].startswith("police.uk recorded 7 anti-social behaviour incidents and 9 crimes")
    assert f"{month:%B %Y}" in brief["recorded"] and "Locations are approximate" in brief["recorded"]
