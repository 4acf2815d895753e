"""Nothing a team did is ever deleted (issue #16, part B).

The officer's Undo and Edit (within the undo window) are refused with 409 once a team
has acted on the concern; the officer adds a correction instead, which the teams read
on the concern's page. Undoing a concern before anyone acted withdraws its e-mails.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from engage.concerns.models import Concern, ConcernCorrection, StatusChange
from engage.notify.models import OutboxMessage

CENTRAL = "E05009857"  # the inspector's INT (INT-TEST) leads here


def save(officer_client, **extra) -> str:
    body = {
        "id": str(uuid.uuid4()),
        "category": "speeding",
        "description": "Cars race down Linthorpe Road",
        "ward_code": CENTRAL,
        **extra,
    }
    assert officer_client.post("/api/v1/concerns", json=body).status_code == 201
    return body["id"]


def act(inspector_client, concern_id, to="acknowledged", note=""):
    answer = inspector_client.post(
        f"/inbox/concerns/{concern_id}", data={"action": "status", "status-to": to, "status-note": note}
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)


def test_undo_is_refused_once_the_team_has_acknowledged(officer_client, inspector_client, db, team):
    concern_id = save(officer_client)
    act(inspector_client, concern_id)
    refused = officer_client.delete(f"/api/v1/concerns/{concern_id}")
    assert refused.status_code == 409
    body = refused.get_json()
    assert "already acted" in body["error"] and "correction" in body["error"]
    assert body["correction_url"] == f"/api/v1/concerns/{concern_id}/corrections"
    # Kept, with the team's history.
    assert db.session.get(Concern, concern_id).status == "acknowledged"
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(StatusChange).where(StatusChange.concern_id == concern_id)
        )
        == 1
    )


def test_the_we_did_text_survives_an_undo_and_an_edit(officer_client, inspector_client, db, team):
    concern_id = save(officer_client)
    act(inspector_client, concern_id, "action_taken", "Speed van deployed twice")
    assert officer_client.delete(f"/api/v1/concerns/{concern_id}").status_code == 409
    edit = officer_client.patch(f"/api/v1/concerns/{concern_id}", json={"description": "Something else"})
    assert edit.status_code == 409 and "already acted" in edit.get_json()["error"]
    stored = db.session.get(Concern, concern_id)
    assert stored.we_did == "Speed van deployed twice" and stored.description == "Cars race down Linthorpe Road"


def test_a_concern_reopened_to_an_open_status_is_still_kept(officer_client, inspector_client, db, team):
    concern_id = save(officer_client)
    act(inspector_client, concern_id, "no_action", "Not a police matter")
    act(inspector_client, concern_id, "in_progress", "Residents sent photos")
    assert officer_client.delete(f"/api/v1/concerns/{concern_id}").status_code == 409


def test_before_the_team_acts_undo_still_works_and_withdraws_the_emails(officer_client, admin_client, db, team):
    concern_id = save(officer_client)
    queued = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.concern_id == concern_id)).all()
    assert [m.state for m in queued] == ["pending"]
    message_id = queued[0].id
    assert officer_client.delete(f"/api/v1/concerns/{concern_id}").status_code == 204
    db.session.expire_all()
    withdrawn = db.session.get(OutboxMessage, message_id)
    assert withdrawn.state == "withdrawn" and "undid" in withdrawn.last_error
    page = admin_client.get("/admin/outbox?state=withdrawn").get_data(as_text=True)
    assert "1 message withdrawn" in page and "the officer undid the concern first" in page


def test_the_officer_adds_a_correction_the_team_reads(officer_client, inspector_client, staff_client, db, team):
    concern_id = save(officer_client)
    act(inspector_client, concern_id)
    added = officer_client.post(
        f"/api/v1/concerns/{concern_id}/corrections", json={"text": "It was Acklam Road, not Linthorpe Road"}
    )
    assert added.status_code == 201
    body = added.get_json()
    assert body["author"] == "officer@example.org" and body["concern_id"] == concern_id
    assert body["created_at"].endswith("+00:00")
    stored = db.session.scalar(sa.select(ConcernCorrection).where(ConcernCorrection.concern_id == concern_id))
    assert stored.text == "It was Acklam Road, not Linthorpe Road" and stored.author_id is not None
    page = inspector_client.get(f"/inbox/concerns/{concern_id}").get_data(as_text=True)
    assert "Corrections from the officer" in page and "It was Acklam Road" in page
    assert "officer@example.org" in page
    # What was first raised is still there, as it was.
    assert "Cars race down Linthorpe Road" in page


def test_only_the_officer_who_saved_it_may_correct_it(app, officer_client, inspector_client, staff_client, db, team):
    from tests.conftest import logged_in_client, make_user

    concern_id = save(officer_client)
    another = logged_in_client(app, make_user("another-officer@example.org", "officer"))
    refused = another.post(f"/api/v1/concerns/{concern_id}/corrections", json={"text": "Not mine"})
    # Officers see only their own entries: another's concern is not theirs to know of.
    assert refused.status_code == 404
    assert staff_client.post(f"/api/v1/concerns/{concern_id}/corrections", json={"text": "x"}).status_code == 403
    assert inspector_client.post(f"/api/v1/concerns/{concern_id}/corrections", json={"text": "x"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConcernCorrection)) == 0


def test_a_correction_needs_text(officer_client, db, team):
    concern_id = save(officer_client)
    for body in ({}, {"text": "   "}, {"text": 42}, {"text": "x" * 10001}, {"text": "a\x0bb"}):
        answer = officer_client.post(f"/api/v1/concerns/{concern_id}/corrections", json=body)
        assert answer.status_code == 422, body
        assert "text" in answer.get_json()["fields"], body
    assert officer_client.post(f"/api/v1/concerns/{uuid.uuid4()}/corrections", json={"text": "x"}).status_code == 404
