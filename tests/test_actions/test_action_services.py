"""Making and changing an action: an owner and a due date not already past are needed
at creation, dropping needs a reason, and every change leaves a line in its history."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from engage.actions.services import ActionError, create_action, is_overdue, owner_label, update_action
from engage.concerns.capture import raise_concern
from engage.extensions import db
from tests.conftest import TODAY

CENTRAL = "E05009857"


@pytest.fixture
def a_concern(app_ctx, users):
    body = {"id": str(uuid.uuid4()), "ward_code": CENTRAL, "category": "off_road_bikes"}
    body["description"] = "Quads on the beck path every evening"
    concern, _ = raise_concern(body, notify=False)
    db.session.commit()
    return concern


def _new(concern, **kw):
    args = dict(title="Patrol the beck path on Tuesdays", due_date=TODAY + timedelta(days=14), today=TODAY)
    args |= dict(actor_id=None, actor="inspector@example.org", concern=concern)
    return create_action(**(args | kw))


def test_an_action_owned_by_a_person_in_a_team(a_concern, users, team):
    inspector = users["inspector"]
    action = _new(a_concern, owner_user=inspector, owner_team=team)
    db.session.commit()
    assert action.status == "open"
    assert owner_label(action) == f"inspector@example.org ({team.name})"
    assert [(u.note, u.status) for u in action.updates] == [("Action agreed", "open")]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({}, "owner", "who owns"),
        ({"owner_name": "R Kipling", "due_date": TODAY - timedelta(days=1)}, "due_date", "already past"),
        ({"owner_name": "R Kipling", "due_date": None}, "due_date", "date the action is due"),
        ({"owner_name": "R Kipling", "title": "   "}, "title", "what is to be done"),
    ],
)
def test_what_an_action_needs_at_creation(a_concern, changes, field, words):
    with pytest.raises(ActionError) as raised:
        _new(a_concern, **changes)
    assert raised.value.field == field
    assert words in str(raised.value)


def test_someone_outside_the_team_cannot_own_it_for_the_team(a_concern, users, team):
    with pytest.raises(ActionError, match="not a member"):
        _new(a_concern, owner_user=users["officer"], owner_team=team)


def test_done_dropped_and_reopened_each_leave_a_line(a_concern, team):
    action = _new(a_concern, owner_team=team)
    update_action(action, actor_id=None, actor="x", note="Two patrols so far")
    with pytest.raises(ActionError, match="why the action is dropped"):
        update_action(action, actor_id=None, actor="x", status="dropped")
    update_action(action, actor_id=None, actor="x", status="dropped", dropped_reason="The path is closed")
    assert action.closed_at is not None
    update_action(action, actor_id=None, actor="x", status="open", note="Path open again")
    update_action(action, actor_id=None, actor="x", status="done")
    db.session.commit()
    assert [u.status for u in action.updates] == ["open", "", "dropped", "open", "done"]
    assert action.dropped_reason == "The path is closed"
    with pytest.raises(ActionError, match="nothing to record"):
        update_action(action, actor_id=None, actor="x")


def test_overdue_is_open_and_due_before_today(a_concern, team):
    action = _new(a_concern, owner_team=team, due_date=TODAY)
    assert not is_overdue(action, TODAY)
    assert is_overdue(action, TODAY + timedelta(days=1))
    update_action(action, actor_id=None, actor="x", status="done")
    assert not is_overdue(action, TODAY + timedelta(days=1))
