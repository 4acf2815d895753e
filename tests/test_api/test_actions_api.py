"""Actions through the API (`/api/v1/actions`): the list and one action with its history,
as the inbox's pages show them to the same user; a change with the version read (a
change made since answers 409, nothing saved); wrong fields named; an officer who sees
an action may not change it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.accounts.models import User
from engage.actions.models import Action
from engage.actions.services import create_action
from engage.concerns.capture import raise_concern
from engage.extensions import db
from tests.conftest import TODAY


@pytest.fixture
def action_id(app, users, team):
    with app.app_context():
        officer = db.session.scalar(sa.select(User).where(User.email == "officer@example.org"))
        concern, _ = raise_concern(
            {
                "id": str(uuid.uuid4()),
                "category": "off_road_bikes",
                "description": "Quads on the beck path",
                "ward_code": "E05009857",
            },
            officer,
            notify=False,
        )
        action = create_action(
            title="Patrol the beck path on Tuesdays",
            due_date=TODAY + timedelta(days=7),
            today=TODAY,
            actor_id=None,
            actor="staff@example.org",
            concern=concern,
            owner_team=concern.lead_team,
        )
        db.session.commit()
        return action.id


def test_the_inspector_reads_their_teams_actions_with_history(inspector_client, action_id):
    listed = inspector_client.get("/api/v1/actions?show=teams").get_json()
    (item,) = [a for a in listed["actions"] if a["id"] == action_id]
    assert item["title"] == "Patrol the beck path on Tuesdays" and item["status"] == "open"
    assert item["due_date"] == (TODAY + timedelta(days=7)).isoformat() and item["overdue"] is False
    assert item["owner"] == "Team INT-TEST"
    assert item["may_change"] is True and item["version"] == 1 and item["concern_id"]
    assert listed["page"] == 1 and listed["has_next"] is False
    one = inspector_client.get(f"/api/v1/actions/{action_id}").get_json()
    assert one["id"] == action_id and isinstance(one["history"], list)
    bad = inspector_client.get("/api/v1/actions?show=everyone&status=maybe")
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) == {"show", "status"}


def test_done_with_the_version_read_and_a_change_made_since_refused(inspector_client, staff_client, action_id):
    first = inspector_client.patch(
        f"/api/v1/actions/{action_id}", json={"version": 1, "note": "Patrolled four Tuesdays", "status": "done"}
    )
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["status"] == "done" and body["closed_at"] and body["version"] == 2
    assert body["history"][-1]["note"] == "Patrolled four Tuesdays" and body["history"][-1]["status"] == "done"
    stale = staff_client.patch(f"/api/v1/actions/{action_id}", json={"version": 1, "status": "open"})
    assert stale.status_code == 409 and "version 2" in stale.get_json()["error"]
    assert db.session.get(Action, action_id).status == "done"  # nothing of the stale change saved
    assert inspector_client.get("/api/v1/actions").get_json()["actions"] == []  # open ones only, by default
    assert [a["id"] for a in inspector_client.get("/api/v1/actions?status=all").get_json()["actions"]] == [action_id]


@pytest.mark.parametrize(
    "change, field, says",
    [
        ({"status": "dropped"}, "dropped_reason", "say why the action is dropped"),
        ({"status": "finished"}, "status", "'finished' is not one of open, done, dropped"),
        ({"due_date": "next week"}, "due_date", "'next week' is not a date"),
        ({}, "version", "required: the action's version as you read it"),
    ],
)
def test_a_wrong_change_names_its_field_and_saves_nothing(inspector_client, action_id, change, field, says):
    body = {"version": 1, **change} if field != "version" else change
    answer = inspector_client.patch(f"/api/v1/actions/{action_id}", json=body)
    assert answer.status_code == 422
    assert says in answer.get_json()["fields"][field]
    action = db.session.get(Action, action_id)
    assert action.status == "open" and action.version == 1


def test_the_officer_sees_the_action_on_their_concern_but_may_not_change_it(officer_client, action_id):
    seen = officer_client.get(f"/api/v1/actions/{action_id}").get_json()
    assert seen["may_change"] is False
    refused = officer_client.patch(f"/api/v1/actions/{action_id}", json={"version": 1, "status": "done"})
    assert refused.status_code == 403 and db.session.get(Action, action_id).status == "open"
