import uuid
from datetime import timedelta

import sqlalchemy as sa

from engage.concerns.models import Concern, StatusChange
from engage.platform.audit import AuditEvent
from tests.conftest import TODAY, make_team


def save(client, ward_code="E05009857", category="off_road_bikes", text="Off-road bikes on Albert Park paths"):
    response = client.post(
        "/api/v1/concerns",
        json={"id": str(uuid.uuid4()), "category": category, "description": text, "ward_code": ward_code},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_concern_saved_in_the_ward_appears_in_the_teams_inbox(officer_client, inspector_client):
    concern_id = save(officer_client)
    page = inspector_client.get("/inbox").get_data(as_text=True)
    assert "Off-road bikes on Albert Park paths" in page and f"/inbox/concerns/{concern_id}" in page
    assert 'Open <span class="count">1</span>' in page
    api = inspector_client.get(f"/api/v1/concerns/{concern_id}").get_json()
    assert api["lead_team"] == {"code": "INT-TEST", "name": "Team INT-TEST"}
    assert api["routed_by"] == "coverage" and api["copied_teams"] == [] and api["status"] == "new"


def test_another_teams_concern_is_not_in_the_inbox_and_is_404(officer_client, inspector_client):
    elsewhere = save(officer_client, ward_code="E05001552", text="Speeding through Yarm High Street")
    assert "Yarm High Street" not in inspector_client.get("/inbox").get_data(as_text=True)
    assert inspector_client.get(f"/inbox/concerns/{elsewhere}").status_code == 404
    assert inspector_client.get("/inbox/wards/E05001552").status_code == 404


def test_status_workflow_with_we_did(officer_client, inspector_client, db):
    concern_id = save(officer_client)
    url = f"/inbox/concerns/{concern_id}"
    assert inspector_client.post(url, data={"action": "status", "status-to": "acknowledged"}).status_code == 302
    missing = inspector_client.post(url, data={"action": "status", "status-to": "action_taken", "status-note": ""})
    assert missing.status_code == 422 and "say what was done" in missing.get_data(as_text=True)
    done = inspector_client.post(
        url,
        data={
            "action": "status",
            "status-to": "action_taken",
            "status-note": "Two quads seized under Section 59; patrols weekly.",
        },
    )
    assert done.status_code == 302
    skip = inspector_client.post(url, data={"action": "status", "status-to": "new"})
    assert skip.status_code == 422 and "cannot become new" in skip.get_data(as_text=True)
    assert inspector_client.post(url, data={"action": "status", "status-to": "closed"}).status_code == 302
    reopen = inspector_client.post(url, data={"action": "status", "status-to": "in_progress", "status-note": ""})
    assert reopen.status_code == 422
    concern = db.session.get(Concern, concern_id)
    assert concern.status == "closed" and concern.we_did.startswith("Two quads seized")
    assert concern.first_action_at is not None
    changes = db.session.scalars(
        sa.select(StatusChange).where(StatusChange.concern_id == concern_id).order_by(StatusChange.id)
    ).all()
    assert [c.to_status for c in changes] == ["acknowledged", "action_taken", "closed"]
    assert {c.actor for c in changes} == {"inspector@example.org"}
    audited = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_id == concern_id, AuditEvent.action == "update")
    ).all()
    assert any("status" in e.changes for e in audited)


def test_inbox_filters_and_age(officer_client, inspector_client):
    save(officer_client, category="drugs", text="Dealing outside the Co-op")
    save(officer_client, category="youth_asb", text="Youths throwing stones at buses", ward_code="E05009866")
    drugs = inspector_client.get("/inbox?category=drugs").get_data(as_text=True)
    assert "Dealing outside" in drugs and "throwing stones" not in drugs
    newport = inspector_client.get("/inbox?ward=E05009866").get_data(as_text=True)
    assert "throwing stones" in newport and "Dealing outside" not in newport
    assert "Dealing outside" not in inspector_client.get("/inbox?older=30").get_data(as_text=True)
    assert "0 days old" in drugs
    bad = inspector_client.get("/inbox?older=lots")
    # The inbox is still shown, saying which filter it could not use.
    assert bad.status_code == 400 and "older: &#39;lots&#39; is not a whole number" in bad.get_data(as_text=True)


def test_staff_see_the_triage_queue_and_reroute(officer_client, staff_client, db, app):
    outside = officer_client.post(
        "/api/v1/concerns",
        json={
            "id": str(uuid.uuid4()),
            "category": "fly_tipping",
            "description": "Mattresses dumped on the beach",
            "lon": -1.05,
            "lat": 54.62,
        },
    ).get_json()
    triage = staff_client.get("/inbox?queue=triage").get_data(as_text=True)
    assert "Mattresses dumped" in triage
    api = staff_client.get(f"/api/v1/concerns/{outside['id']}").get_json()
    assert api["lead_team"] is None and api["queue"] == "triage" and api["routed_by"] == "triage"
    env = make_team("ENV-HPL", ward_codes=(), kind="partner", coverage="authority", lad_code="E06000001")
    response = staff_client.post(
        f"/inbox/concerns/{outside['id']}",
        data={"action": "reroute", "reroute-lead": str(env.id), "reroute-reason": "Beach is Hartlepool's"},
    )
    assert response.status_code == 302
    assert staff_client.get(f"/api/v1/concerns/{outside['id']}").get_json()["lead_team"]["code"] == "ENV-HPL"


def test_ward_page_for_inspectors(officer_client, inspector_client):
    officer_client.post(
        "/api/v1/meetings",
        json={
            "id": str(uuid.uuid4()),
            "ward_codes": ["E05009857"],
            "date": (TODAY - timedelta(days=33)).isoformat(),
            "venue": "Middlesbrough Town Hall",
        },
    )
    save(officer_client)
    page = inspector_client.get("/inbox/wards/E05009857").get_data(as_text=True)
    assert "Central" in page and "Off-road motorbikes and quads: 1" in page and "Middlesbrough Town Hall" in page


def test_officers_have_no_inbox(officer_client):
    assert officer_client.get("/inbox").status_code == 403
