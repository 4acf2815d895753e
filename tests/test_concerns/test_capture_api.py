import uuid

import sqlalchemy as sa

from engage.concerns.models import Concern
from engage.platform.audit import AuditEvent

CENTRAL = "E05009857"


def new_id():
    return str(uuid.uuid4())


def meeting_body(**extra):
    body = {
        "id": new_id(),
        "kind": "your_force_your_voice",
        "ward_codes": [CENTRAL],
        "date": "2026-11-20",
        "start_time": "18:30",
        "venue": "St Hilda's Community Centre",
        "attendance": 23,
        "status": "held",
        "pcc_attended": True,
        "notes": "",
    }
    body.update(extra)
    return body


def concern_body(meeting_id=None, **extra):
    body = {
        "id": new_id(),
        "meeting_id": meeting_id,
        "category": "off_road_bikes",
        "description": "Quad bikes on the field behind the school every evening",
        "raised_at": "2026-11-20T19:02:00Z",
        "residents": 3,
        "priority": "high",
    }
    body.update(extra)
    return body


def test_categories_are_the_cleveland_themes(client):
    codes = [c["code"] for c in client.get("/api/v1/categories").get_json()["categories"]]
    assert codes[:3] == ["off_road_bikes", "youth_asb", "visible_policing"] and "other" in codes and len(codes) == 12


def test_meeting_then_concern_stored_once_each(officer_client, db):
    meeting = meeting_body()
    first = officer_client.post("/api/v1/meetings", json=meeting)
    assert first.status_code == 201
    again = officer_client.post("/api/v1/meetings", json=meeting)
    assert again.status_code == 200 and again.get_json() == first.get_json()

    concern = concern_body(meeting["id"])
    created = officer_client.post("/api/v1/concerns", json=concern)
    assert created.status_code == 201
    body = created.get_json()
    assert body["ward_code"] == CENTRAL and body["vintage"] == "2018-12" and body["location_source"] == "meeting"
    assert officer_client.post("/api/v1/concerns", json=concern).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concern)) == 1
    listed = officer_client.get(f"/api/v1/concerns?meeting={meeting['id']}").get_json()["concerns"]
    assert [c["id"] for c in listed] == [concern["id"]]
    assert officer_client.get("/api/v1/meetings?date=2026-11-20").get_json()["meetings"][0]["id"] == meeting["id"]


def test_the_server_locates_a_position_and_ignores_the_clients_ward(officer_client):
    # A point in Middlesbrough, sent with a wrong ward code guessed by the client.
    body = concern_body(lon=-1.2345, lat=54.5742, ward_code="E05001552")
    stored = officer_client.post("/api/v1/concerns", json=body).get_json()
    assert stored["ward_code"] != "E05001552" and stored["ward_code"].startswith("E0500985")
    grid = officer_client.post("/api/v1/concerns", json=concern_body(grid_ref="NZ 4966 1942")).get_json()
    assert grid["location_source"] == "grid" and grid["ward_code"] is not None


def test_a_concern_outside_every_ward_is_kept_and_flagged(officer_client):
    response = officer_client.post("/api/v1/concerns", json=concern_body(lon=-0.9, lat=54.75))
    assert response.status_code == 201
    body = response.get_json()
    assert body["ward_code"] is None and body["needs_review"] is True


def test_a_concern_before_its_meeting_is_linked_when_the_meeting_arrives(officer_client, db):
    meeting = meeting_body()
    concern = concern_body(meeting["id"])
    assert officer_client.post("/api/v1/concerns", json=concern).status_code == 201
    assert officer_client.post("/api/v1/meetings", json=meeting).status_code == 201
    stored = db.session.get(Concern, concern["id"])
    assert stored.meeting_id == meeting["id"]


def test_invalid_entries_get_field_errors_and_nothing_is_stored(officer_client, db):
    bad = concern_body(category="aliens", description="", residents=0, raised_at="yesterday", lon="west", lat=54.5)
    response = officer_client.post("/api/v1/concerns", json=bad)
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert set(fields) >= {"category", "description", "residents", "raised_at", "lon"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concern)) == 0
    no_ward = officer_client.post("/api/v1/meetings", json=meeting_body(ward_codes=["E05000000"], date="20/11/2026"))
    assert no_ward.status_code == 422
    assert set(no_ward.get_json()["fields"]) == {"ward_codes", "date"}
    not_json = officer_client.post("/api/v1/concerns", data="hello")
    assert not_json.status_code == 422 and "JSON" in not_json.get_json()["fields"]["body"]


def test_contact_details_only_with_consent(officer_client, inspector_client, db):
    refused = officer_client.post("/api/v1/concerns", json=concern_body(contact_name="Mrs Smith"))
    assert refused.status_code == 422 and "consent" in refused.get_json()["fields"]["contact_consent"]
    ok = officer_client.post(
        "/api/v1/concerns",
        json=concern_body(
            contact_name="Mrs Smith", contact_details="01642 000000", contact_consent=True, ward_code="E05009857"
        ),
    )
    assert ok.get_json()["contact"]["name"] == "Mrs Smith"
    stored = db.session.get(Concern, ok.get_json()["id"])
    assert stored.contact_consent_at is not None
    # In Central: the inspector's team leads on it and calls the resident back.
    seen = inspector_client.get(f"/api/v1/concerns/{stored.id}").get_json()
    assert seen["contact"]["details"] == "01642 000000"


def test_reads_are_scoped(officer_client, inspector_client, staff_client, app, db):
    from tests.conftest import logged_in_client, make_user

    in_patch = officer_client.post("/api/v1/concerns", json=concern_body(ward_code=CENTRAL)).get_json()
    elsewhere = officer_client.post("/api/v1/concerns", json=concern_body(ward_code="E05001552")).get_json()
    assert inspector_client.get(f"/api/v1/concerns/{in_patch['id']}").status_code == 200
    assert inspector_client.get(f"/api/v1/concerns/{elsewhere['id']}").status_code == 404
    assert staff_client.get(f"/api/v1/concerns/{elsewhere['id']}").status_code == 200
    other_officer = logged_in_client(app, make_user("officer2@example.org", "officer"))
    assert other_officer.get(f"/api/v1/concerns/{in_patch['id']}").status_code == 404
    assert inspector_client.post("/api/v1/concerns", json=concern_body()).status_code == 403


def test_bearer_token_clients_can_sync(client, runner, users):
    token = runner.invoke(args=["users", "token", "officer@example.org"]).output.strip()
    response = client.post(
        "/api/v1/concerns", json=concern_body(ward_code=CENTRAL), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201


def test_session_writes_need_the_csrf_header(app, officer_client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = officer_client.post("/api/v1/concerns", json=concern_body(ward_code=CENTRAL))
        assert refused.status_code == 400
        token = officer_client.get("/api/v1/session").get_json()["csrf_token"]
        ok = officer_client.post(
            "/api/v1/concerns", json=concern_body(ward_code=CENTRAL), headers={"X-CSRFToken": token}
        )
        assert ok.status_code == 201
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_undo_and_edit_the_last_concern(officer_client, db):
    stored = officer_client.post("/api/v1/concerns", json=concern_body(ward_code=CENTRAL)).get_json()
    edited = officer_client.patch(f"/api/v1/concerns/{stored['id']}", json={"category": "youth_asb", "residents": 5})
    assert edited.status_code == 200 and edited.get_json()["category"] == "youth_asb"
    assert officer_client.patch(f"/api/v1/concerns/{stored['id']}", json={"residents": 0}).status_code == 422
    assert officer_client.delete(f"/api/v1/concerns/{stored['id']}").status_code == 204
    assert db.session.get(Concern, stored["id"]) is None
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_id == stored["id"]).order_by(AuditEvent.id)
    ).all()
    actions = [e.action for e in events]
    assert actions == ["create", "update", "delete"]


def test_each_meeting_and_concern_is_audited(officer_client, db):
    meeting = meeting_body()
    officer_client.post("/api/v1/meetings", json=meeting)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity == "meeting"))
    assert event.actor == "officer@example.org" and event.changes["venue"][1] == "St Hilda's Community Centre"


def test_a_concern_without_a_position_that_came_first_is_placed_in_the_meetings_ward(officer_client, db):
    meeting = meeting_body()
    concern = concern_body(meeting["id"])
    early = officer_client.post("/api/v1/concerns", json=concern).get_json()
    assert early["ward_code"] is None and early["needs_review"] is True and early["queue"] == "triage"
    officer_client.post("/api/v1/meetings", json=meeting)
    placed = officer_client.get(f"/api/v1/concerns/{concern['id']}").get_json()
    assert placed["ward_code"] == CENTRAL and placed["needs_review"] is False and placed["lead_team"] is not None


def test_an_undone_concern_is_not_brought_back_by_a_late_copy(officer_client, db):
    body = concern_body(ward_code=CENTRAL)
    assert officer_client.post("/api/v1/concerns", json=body).status_code == 201
    assert officer_client.delete(f"/api/v1/concerns/{body['id']}").status_code == 204
    late = officer_client.post("/api/v1/concerns", json=body)  # a retry still on its way
    assert late.status_code == 410 and "undone" in late.get_json()["error"]
    assert db.session.get(Concern, body["id"]) is None


def test_an_edit_sending_null_clears_text_or_is_refused_where_text_is_required(officer_client):
    """null in an edit is not 'leave it': the venue is cleared; a concern's category, which
    may not be empty, is refused naming the field, and the concern keeps the one it had."""
    meeting = officer_client.post("/api/v1/meetings", json=meeting_body(venue="Hall")).get_json()
    cleared = officer_client.patch(
        f"/api/v1/meetings/{meeting['id']}", json={"version": meeting["version"], "venue": None}
    )
    assert cleared.status_code == 200 and cleared.get_json()["venue"] == ""
    stored = officer_client.post("/api/v1/concerns", json=concern_body(ward_code=CENTRAL)).get_json()
    refused = officer_client.patch(f"/api/v1/concerns/{stored['id']}", json={"category": None})
    assert refused.status_code == 422 and "category" in refused.get_json()["fields"]
    assert officer_client.get(f"/api/v1/concerns/{stored['id']}").get_json()["category"] == stored["category"]
