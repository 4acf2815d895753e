import json
import logging
import uuid
from datetime import timedelta

import sqlalchemy as sa

from engage.concerns.models import Concern
from engage.notify.models import OutboxMessage
from engage.platform.audit import AuditEvent
from tests.conftest import PINNED_NOW

OLD = (PINNED_NOW - timedelta(days=400)).isoformat()


def with_contact(client, raised_at=None, name="Mrs Joan Smith", details="07700 900123"):
    body = {
        "id": str(uuid.uuid4()),
        "category": "drugs",
        "description": "Dealing from the corner house",
        "ward_code": "E05009857",
        "contact_name": name,
        "contact_details": details,
        "contact_consent": True,
    }
    if raised_at:
        body["raised_at"] = raised_at
    response = client.post("/api/v1/concerns", json=body)
    assert response.status_code == 201
    return response.get_json()["id"]


def test_contact_details_never_reach_emails_logs_or_the_audit_trail(officer_client, db, caplog):
    caplog.set_level(logging.DEBUG)
    concern_id = with_contact(officer_client)
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.concern_id == concern_id))
    assert message is not None and "Smith" not in message.body and "07700" not in message.body
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_id == concern_id)).all()
    assert events and all("Smith" not in json.dumps(e.changes) and "07700" not in json.dumps(e.changes) for e in events)
    assert "Smith" not in caplog.text and "07700" not in caplog.text


def test_purge_empties_old_contact_details_and_keeps_the_concern(officer_client, runner, db):
    old = with_contact(officer_client, raised_at=OLD)
    recent = with_contact(officer_client, name="Mr Brown")
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0 and "would empty them on 1 concern" in dry.output
    assert db.session.get(Concern, old).contact_name == "Mrs Joan Smith"
    done = runner.invoke(args=["purge"])
    assert "emptied them on 1 concern" in done.output
    db.session.expire_all()
    purged, kept = db.session.get(Concern, old), db.session.get(Concern, recent)
    assert purged.contact_name is None and purged.contact_details is None and purged.description
    assert kept.contact_name == "Mr Brown"
    assert "on 0 concerns" in runner.invoke(args=["purge"]).output


def test_subject_access_export(officer_client, runner, tmp_path):
    with_contact(officer_client)
    with_contact(officer_client, name="Someone Else", details="other@example.org")
    out = tmp_path / "sar.json"
    result = runner.invoke(args=["subject-access", "--contact", "07700 900123", "--out", str(out)])
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert len(data["concerns"]) == 1 and data["concerns"][0]["contact"]["name"] == "Mrs Joan Smith"
    assert data["concerns"][0]["description"] == "Dealing from the corner house"
    assert runner.invoke(args=["subject-access"]).exit_code == 2
