"""The same id sent again to POST /api/v1/concerns or /api/v1/meetings: "already
stored" (200 with the entry) only to a caller who may see that entry and sent the same
entry; another entry under the id is 409 naming the fields; to anyone else it is the
404 a GET of it gives them, with nothing of its content."""

import sqlalchemy as sa

from engage.concerns.models import Concern, Meeting
from engage.teams.models import Team
from tests.conftest import logged_in_client, make_user
from tests.test_concerns.test_capture_api import CENTRAL, concern_body, meeting_body

PRIVATE = "Dealing from the blue van outside 12 Oak Street"


def stored_concern(db, concern_id):
    db.session.expire_all()
    row = db.session.get(Concern, concern_id)
    return (row.category.code, row.description, row.residents, row.priority, row.ward.code if row.ward else None)


def test_a_resend_of_the_same_concern_is_already_stored(officer_client, staff_client, db):
    body = concern_body(
        ward_code=CENTRAL,
        description=PRIVATE,
        contact_name="Ann Lee",
        contact_details="01642 111111",
        contact_consent=True,
    )
    first = officer_client.post("/api/v1/concerns", json=body)
    assert first.status_code == 201
    assert officer_client.post("/api/v1/concerns", json=body).get_json() == first.get_json()
    # The same values written another way are the same entry: read as a new entry's would be.
    same = {
        **body,
        "description": f"  {PRIVATE}\n",
        "ward_code": CENTRAL.lower(),
        "raised_at": "2026-11-20T20:02:00+01:00",
        "residents": "3",
        "meeting_id": None,
    }
    assert officer_client.post("/api/v1/concerns", json=same).status_code == 200
    # Staff see every concern: the same entry from them is "already stored" too.
    assert staff_client.post("/api/v1/concerns", json=body).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concern)) == 1


def test_another_concern_under_a_stored_id_is_409_naming_the_fields(officer_client, staff_client, db):
    body = concern_body(ward_code=CENTRAL)
    assert officer_client.post("/api/v1/concerns", json=body).status_code == 201
    before = stored_concern(db, body["id"])
    other = {
        **body,
        "category": "speeding",
        "description": "Cars racing on the Parkway",
        "residents": 1,
        "priority": "normal",
        "ward_code": "E05009866",
    }
    response = officer_client.post("/api/v1/concerns", json=other)
    assert response.status_code == 409
    answer = response.get_json()
    assert set(answer) == {"error", "fields"} and "new id" in answer["error"]
    assert set(answer["fields"]) == {"category", "description", "residents", "priority", "ward_code"}
    assert "Quad bikes" not in response.get_data(as_text=True)  # the conflict, not the stored text
    # One field is enough; each place a concern can be given is compared.
    for change, field in (
        (dict(raised_at="2026-11-21T19:02:00Z"), "raised_at"),
        (dict(meeting_id="0b5e7a52-1f0e-4c55-9d47-0e8c7c2a9b11"), "meeting_id"),
        (dict(lon=-1.2345, lat=54.5742), "lon"),
        (dict(grid_ref="NZ 4966 1942"), "grid_ref"),
        (dict(category="nonsense"), "category"),
    ):
        response = staff_client.post("/api/v1/concerns", json={**body, **change})
        assert response.status_code == 409 and field in response.get_json()["fields"], change
    assert stored_concern(db, body["id"]) == before  # nothing was changed


def test_a_position_is_compared_by_value(officer_client):
    body = concern_body(lon=-1.2345, lat=54.5742, location_source="gps")
    assert officer_client.post("/api/v1/concerns", json=body).status_code == 201
    assert officer_client.post("/api/v1/concerns", json={**body, "lon": "-1.234500"}).status_code == 200
    moved = officer_client.post("/api/v1/concerns", json={**body, "lat": 54.5752})
    assert moved.status_code == 409 and set(moved.get_json()["fields"]) == {"lon", "lat"}
    unplaced = officer_client.post("/api/v1/concerns", json={k: v for k, v in body.items() if k not in ("lon", "lat")})
    assert unplaced.status_code == 409 and set(unplaced.get_json()["fields"]) == {"ward_code"}


def test_a_replay_by_someone_who_may_not_see_the_concern_is_the_404_of_a_get(app, officer_client, team, db):
    code = "INT-TEST"  # the `team` fixture's (make_team)
    body = concern_body(
        ward_code=CENTRAL,
        description=PRIVATE,
        contact_name="Ann Lee",
        contact_details="01642 111111",
        contact_consent=True,
    )
    assert officer_client.post("/api/v1/concerns", json=body).status_code == 201
    stranger = logged_in_client(app, make_user("officer2@example.org", "officer"))
    unseen = stranger.get(f"/api/v1/concerns/{body['id']}")
    assert unseen.status_code == 404
    for sent in (body, {**body, "description": "Something else entirely"}):
        response = stranger.post("/api/v1/concerns", json=sent)
        assert response.status_code == 404 and response.get_json() == unseen.get_json()
        text = response.get_data(as_text=True)
        assert "Oak Street" not in text and "Ann Lee" not in text and "01642" not in text
    # An officer who is also an inspector of the team covering Central may see it:
    # "already stored", and a 409 for another entry.
    team = db.session.scalar(sa.select(Team).where(Team.code == code))
    local = logged_in_client(app, make_user("officer3@example.org", "officer", "inspector", teams=[team]))
    assert local.post("/api/v1/concerns", json=body).status_code == 200
    conflict = local.post("/api/v1/concerns", json={**body, "description": "Something else entirely"})
    assert conflict.status_code == 409 and set(conflict.get_json()["fields"]) == {"description"}
    # Their team leads on it, so the resident's details are theirs to see, and compared.
    guess = local.post("/api/v1/concerns", json={**body, "contact_name": "A Guess"})
    assert guess.status_code == 409 and set(guess.get_json()["fields"]) == {"contact_name"}
    # In triage (no lead team), their INT still sees the concern in its ward, but not the
    # resident's details: those are not compared for them, so a 409 cannot confirm a guess.
    db.session.execute(sa.update(Concern).values(lead_team_id=None))
    db.session.commit()
    assert local.post("/api/v1/concerns", json={**body, "contact_name": "A Guess"}).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concern)) == 1


def test_meetings_resent_conflicting_or_unseen(app, officer_client, db):
    body = meeting_body()
    first = officer_client.post("/api/v1/meetings", json=body)
    assert first.status_code == 201
    assert (
        officer_client.post(
            "/api/v1/meetings", json={**body, "start_time": "18:30:00", "ward_codes": [CENTRAL.lower()]}
        ).status_code
        == 200
    )
    other = officer_client.post("/api/v1/meetings", json={**body, "venue": "Town Hall", "attendance": 40})
    assert other.status_code == 409 and set(other.get_json()["fields"]) == {"venue", "attendance"}
    stranger = logged_in_client(app, make_user("officer2@example.org", "officer"))
    unseen = stranger.get(f"/api/v1/meetings/{body['id']}")
    replay = stranger.post("/api/v1/meetings", json=body)
    assert unseen.status_code == replay.status_code == 404 and replay.get_json() == unseen.get_json()
    assert "St Hilda" not in replay.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, body["id"]).venue == "St Hilda's Community Centre"
