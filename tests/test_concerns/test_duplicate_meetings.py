"""One meeting is recorded once (issue #18): a second held meeting with the ward, date and
venue of a stored one is refused, naming the one to continue; the same id sent again is a
resend, not a duplicate. Who attended for the police and partners is kept with it."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from engage.concerns.capture import DuplicateMeeting, ValidationFailed, held_meeting_like, record_meeting
from engage.concerns.models import Meeting

CENTRAL, NEWPORT = "E05009857", "E05009866"


def body(**extra):
    return {
        "id": str(uuid.uuid4()),
        "ward_codes": [CENTRAL],
        "date": "2026-11-20",
        "venue": "St Hilda's Community Centre",
        "status": "held",
        **extra,
    }


def meetings(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))


# --- the service, without a client -------------------------------------------------------


def test_a_second_held_meeting_at_the_same_ward_date_and_venue_is_refused_naming_the_first(app_ctx, db):
    first, created = record_meeting(body())
    assert created
    with pytest.raises(DuplicateMeeting) as refused:
        record_meeting(body(venue="  st hilda's   COMMUNITY centre ", ward_codes=[CENTRAL.lower()]))
    assert refused.value.meeting is first
    assert first.id in str(refused.value) and "Central" in str(refused.value) and "2026-11-20" in str(refused.value)
    assert meetings(db) == 1


def test_the_same_id_again_is_a_resend_not_a_duplicate(app_ctx, db):
    sent = body()
    first, _ = record_meeting(sent)
    again, created = record_meeting(dict(sent))
    assert (again, created) == (first, False)
    assert meetings(db) == 1


@pytest.mark.parametrize(
    "other",
    [
        {"venue": "Linthorpe Library"},
        {"date": "2026-11-21"},
        {"ward_codes": [NEWPORT]},
        {"status": "planned"},
        {"venue": ""},  # no venue named: nothing says it is the same meeting
    ],
)
def test_another_venue_day_ward_or_a_planned_meeting_is_stored(app_ctx, db, other):
    record_meeting(body(venue="") if other.get("venue") == "" else body())
    _, created = record_meeting(body(**other))
    assert created and meetings(db) == 2


def test_a_held_meeting_where_one_was_only_planned_is_stored(app_ctx, db):
    record_meeting(body(status="planned"))
    _, created = record_meeting(body())
    assert created and meetings(db) == 2
    assert held_meeting_like([CENTRAL], date(2026, 11, 20), body()["venue"]) is not None


def test_demo_meetings_do_not_refuse_real_ones(app_ctx, db):
    record_meeting(body(), is_demo=True)
    _, created = record_meeting(body())
    assert created


def test_a_meeting_sharing_one_of_its_wards_is_the_same_meeting(app_ctx, db):
    record_meeting(body(ward_codes=[CENTRAL, NEWPORT]))
    with pytest.raises(DuplicateMeeting):
        record_meeting(body(ward_codes=[NEWPORT]))


def test_the_teams_that_attended_are_kept_and_an_unknown_team_is_named(app_ctx, db, team):
    meeting, _ = record_meeting(body(team_codes=["int-test"], police_partners="PCSO Ahmed; Thirteen Housing"))
    assert [t.code for t in meeting.teams] == ["INT-TEST"] and meeting.police_partners == "PCSO Ahmed; Thirteen Housing"
    with pytest.raises(ValidationFailed) as refused:
        record_meeting(body(venue="Elsewhere", team_codes=["INT-TEST", "NO-SUCH"]))
    assert refused.value.errors == {"team_codes": "unknown team NO-SUCH"}


# --- the API ------------------------------------------------------------------------------


def test_the_api_answers_409_with_the_meeting_to_continue(officer_client, staff_client, db):
    first = body(attendance=23)
    assert officer_client.post("/api/v1/meetings", json=first).status_code == 201
    second = staff_client.post("/api/v1/meetings", json=body(venue="ST HILDA'S Community Centre"))
    assert second.status_code == 409
    answer = second.get_json()
    assert "continue that meeting" in answer["error"]
    assert answer["existing"] == {
        "id": first["id"],
        "ward_codes": [CENTRAL],
        "ward_names": ["Central"],
        "date": "2026-11-20",
        "venue": "St Hilda's Community Centre",
        "status": "held",
    }
    assert meetings(db) == 1
    # A resend of the first, by its own id, is still "already stored".
    assert officer_client.post("/api/v1/meetings", json=first).status_code == 200


def test_the_api_takes_and_answers_the_teams_that_attended(officer_client, db, team):
    sent = body(team_codes=["INT-TEST"], police_partners="Fire service")
    stored = officer_client.post("/api/v1/meetings", json=sent).get_json()
    assert stored["team_codes"] == ["INT-TEST"] and stored["police_partners"] == "Fire service"
    # A resend naming other teams is another meeting under the same id.
    other = officer_client.post("/api/v1/meetings", json={**sent, "team_codes": []})
    assert other.status_code == 409 and "team_codes" in other.get_json()["fields"]
    bad = officer_client.post("/api/v1/meetings", json=body(venue="x", team_codes="INT-TEST"))
    assert bad.status_code == 422 and bad.get_json()["fields"] == {"team_codes": "must be a list of team codes"}


def test_an_officer_is_named_a_colleagues_meeting_to_continue(app, officer_client, staff_client, db):
    """Officers see every ward's meetings on its page, so the one to continue is named to
    them, though the API lists them only their own."""
    first = body()
    assert staff_client.post("/api/v1/meetings", json=first).status_code == 201
    second = officer_client.post("/api/v1/meetings", json=body(venue="st hilda's community centre"))
    assert second.status_code == 409 and second.get_json()["existing"]["id"] == first["id"]
    asked = officer_client.get(
        f"/api/v1/meetings/same?ward_code={CENTRAL}&date=2026-11-20&venue=ST HILDA'S community centre"
    )
    assert asked.status_code == 200 and asked.get_json()["meeting"]["id"] == first["id"]
    # The officer's concern goes to that meeting.
    concern = {"id": str(uuid.uuid4()), "meeting_id": first["id"], "category": "parking", "description": "Vans"}
    stored = officer_client.post("/api/v1/concerns", json=concern).get_json()
    assert stored["meeting_id"] == first["id"] and stored["ward_code"] == CENTRAL


def test_asking_for_the_same_meeting_names_none_when_there_is_none(officer_client, db):
    assert officer_client.post("/api/v1/meetings", json=body()).status_code == 201
    for query in ("venue=Elsewhere", "venue=", ""):
        asked = officer_client.get(f"/api/v1/meetings/same?ward_code={CENTRAL}&date=2026-11-20&{query}")
        assert asked.get_json() == {"meeting": None}
    bad = officer_client.get(f"/api/v1/meetings/same?ward_code={CENTRAL}&date=20/11/2026")
    assert bad.status_code == 400 and "2026-11-25" in bad.get_json()["error"]
    assert officer_client.get("/api/v1/meetings/same?date=2026-11-20").status_code == 400
