"""Actions on a concern's page and in the inbox, as the lead team's inspector uses them:
proposing one (and being told what is wrong, with what was typed kept), updating,
marking done, dropping, re-dating and re-assigning; the list of theirs and their
teams'; and what another team gets."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.accounts.models import User
from engage.actions.models import Action
from engage.actions.services import create_action
from engage.concerns.capture import raise_concern
from engage.concerns.models import Concern
from tests.conftest import TODAY, logged_in_client, make_team, make_user

CENTRAL = "E05009857"


def ident(obj):
    """A row's id, readable even once a request has ended the session it was loaded in."""
    return sa.inspect(obj).identity[0]


def fresh(db, obj):
    """The row again in the current session."""
    if obj is None:
        return None
    return db.session.get(type(obj), ident(obj))


def raise_one(officer, ward=CENTRAL, text="Quads on the beck path every evening", code="off_road_bikes"):
    concern, _ = raise_concern(
        {"id": str(uuid.uuid4()), "category": code, "description": text, "ward_code": ward}, officer
    )
    return concern


@pytest.fixture
def colleague(db, team):
    """Another inspector of the lead team: their id."""
    return ident(make_user("colleague@example.org", "inspector", teams=[fresh(db, team)]))


@pytest.fixture
def concern(app, db, users, team):
    """A concern in Central led by the inspector's team: its id."""
    with app.app_context():
        made = raise_one(fresh(db, users["officer"]))
        db.session.commit()
        assert made.lead_team_id == ident(team)
        return made.id


def agree(app, db, concern_id, owner_id=None, due=TODAY + timedelta(days=7), title="Patrol on Tuesdays"):
    """An action of the concern's lead team (or one of its members), made as the page
    would, in its own app context: its id."""
    with app.app_context():
        concern = db.session.get(Concern, concern_id)
        owner_user = db.session.get(User, owner_id) if owner_id else None
        action = create_action(
            title=title,
            due_date=due,
            today=TODAY if due is None or due >= TODAY else due,
            actor_id=None,
            actor="setup",
            concern=concern,
            owner_user=owner_user,
            owner_team=concern.lead_team,
        )
        db.session.commit()
        return action.id


def test_the_lead_team_agrees_an_action_on_the_concern_page(db, inspector_client, concern, colleague):
    cid, colleague_id = concern, colleague
    page = inspector_client.get(f"/inbox/concerns/{cid}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "No actions agreed yet." in html and "Agree an action" in html
    assert "colleague@example.org" in html  # a member of the lead team may own it
    answer = inspector_client.post(
        f"/inbox/concerns/{cid}/actions",
        data={
            "propose-title": "Patrol the beck path on Tuesdays",
            "propose-owner": f"user:{colleague_id}",
            "propose-due_date": (TODAY + timedelta(days=14)).isoformat(),
        },
    )
    assert answer.status_code == 302 and answer.location.endswith("#actions")
    action = db.session.scalar(sa.select(Action).where(Action.concern_id == cid))
    assert action.owner_user_id == colleague_id and action.owner_team_id == action.concern.lead_team_id
    html = inspector_client.get(f"/inbox/concerns/{cid}").get_data(as_text=True)
    assert "Patrol the beck path on Tuesdays" in html
    assert f"due {(TODAY + timedelta(days=14)).strftime('%-d %b %Y')}" in html
    assert "Action agreed" in html  # its history


@pytest.mark.parametrize(
    ("owner", "due", "message"),
    [
        ("", (TODAY + timedelta(days=3)).isoformat(), "Choose who owns the action"),
        ("team", (TODAY - timedelta(days=1)).isoformat(), "is already past: give today or a later day"),
        ("team", "", "Give the date the action is due"),
        ("team", "next tuesday", "is not a date: give it as 15/07/2026"),
    ],
)
def test_a_refused_action_says_why_and_keeps_what_was_typed(db, inspector_client, concern, owner, due, message):
    answer = inspector_client.post(
        f"/inbox/concerns/{concern}/actions",
        data={"propose-title": "Speed checks on Acklam Road", "propose-owner": owner, "propose-due_date": due},
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert message in html
    assert "Speed checks on Acklam Road" in html and 'aria-invalid="true"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Action)) == 0


def test_someone_outside_the_lead_team_cannot_own_it(db, inspector_client, concern):
    outsider = make_user("outsider@example.org", "inspector", teams=[make_team("INT-OTHER", ward_codes=())])
    answer = inspector_client.post(
        f"/inbox/concerns/{concern}/actions",
        data={
            "propose-title": "Patrol",
            "propose-owner": f"user:{ident(outsider)}",
            "propose-due_date": TODAY.isoformat(),
        },
    )
    assert answer.status_code == 422
    assert "outsider@example.org is not a member of Team INT-TEST" in answer.get_data(as_text=True)


def _update(client, db, action_id, back=None, **fields):
    """The update form as sent with its fields as the page fills them, but those given."""
    action = db.session.get(Action, action_id)
    data = {
        f"action{action_id}-status": fields.pop("status", action.status),
        f"action{action_id}-due_date": fields.pop("due_date", action.due_date.isoformat() if action.due_date else ""),
        f"action{action_id}-owner": fields.pop(
            "owner", f"user:{action.owner_user_id}" if action.owner_user_id else "team"
        ),
    }
    data |= {f"action{action_id}-{k}": v for k, v in fields.items()}
    if back:
        data["back"] = back
    return client.post(f"/inbox/actions/{action_id}", data=data)


def test_an_action_is_updated_redated_reassigned_dropped_and_done(app, db, inspector_client, concern, colleague):
    cid, colleague_id = concern, colleague
    aid = agree(app, db, concern)
    answer = _update(inspector_client, db, aid, back="concern", note="Two patrols so far")
    assert answer.status_code == 302 and answer.location.endswith(f"/inbox/concerns/{cid}#action-{aid}")
    later = TODAY + timedelta(days=21)
    moved = _update(inspector_client, db, aid, due_date=later.isoformat(), owner=f"user:{colleague_id}")
    assert moved.status_code == 302
    action = db.session.get(Action, aid)
    assert action.due_date == later and action.owner_user_id == colleague_id
    refused = _update(inspector_client, db, aid, status="dropped", note="")
    assert refused.status_code == 422
    assert "Say why the action is dropped." in refused.get_data(as_text=True)
    nothing = _update(inspector_client, db, aid)
    assert nothing.status_code == 422 and "Nothing to record" in nothing.get_data(as_text=True)
    assert _update(inspector_client, db, aid, status="dropped", dropped_reason="The path is closed").status_code == 302
    assert _update(inspector_client, db, aid, status="done", note="Path open again").status_code == 302
    page = inspector_client.get(f"/inbox/actions/{aid}").get_data(as_text=True)
    for line in (
        "Action agreed",
        "Two patrols so far",
        "dropped",
        "The path is closed",
        "done",
        "colleague@example.org",
    ):
        assert line in page
    action = db.session.get(Action, aid)
    assert action.status == "done" and [u.status for u in action.updates] == ["open", "", "", "dropped", "done"]


def test_the_inbox_lists_mine_and_my_teams_with_the_overdue_counted(
    app, db, inspector_client, users, concern, colleague
):
    mine = agree(app, db, concern, ident(users["inspector"]), title="Mine, overdue", due=TODAY - timedelta(days=2))
    agree(app, db, concern, colleague, title="The colleague's", due=TODAY + timedelta(days=5))
    agree(app, db, concern, title="The team's", due=TODAY + timedelta(days=1))
    inbox = inspector_client.get("/inbox").get_data(as_text=True)
    assert "3 open" in inbox and "1 overdue" in inbox
    listing = inspector_client.get("/inbox/actions").get_data(as_text=True)
    assert listing.index("Mine, overdue") < listing.index("The team&#39;s") < listing.index("The colleague&#39;s")
    assert "3 open" in listing and "1 overdue" in listing
    only_mine = inspector_client.get("/inbox/actions?show=mine").get_data(as_text=True)
    assert "Mine, overdue" in only_mine and "The colleague" not in only_mine
    overdue = inspector_client.get("/inbox/actions?show=overdue").get_data(as_text=True)
    assert "Mine, overdue" in overdue and "The team" not in overdue
    _update(inspector_client, db, mine, status="done")
    assert "Mine, overdue" not in inspector_client.get("/inbox/actions").get_data(as_text=True)
    assert "Mine, overdue" in inspector_client.get("/inbox/actions?status=all").get_data(as_text=True)
    bad = inspector_client.get("/inbox/actions?show=everything")
    assert bad.status_code == 400 and "unknown show" in bad.get_data(as_text=True)


def test_another_team_gets_404_and_a_copied_team_reads_but_cannot_change(app, db, users, concern):
    cid = concern
    aid = agree(app, db, concern)
    elsewhere = make_team("INT-STOCK", ward_codes=("E05001552",), lad_code="E06000004")
    stranger = logged_in_client(app, make_user("stranger@example.org", "inspector", teams=[elsewhere]))
    assert stranger.get(f"/inbox/actions/{aid}").status_code == 404
    assert stranger.post(f"/inbox/actions/{aid}", data={}).status_code == 404
    assert "Patrol on Tuesdays" not in stranger.get("/inbox/actions").get_data(as_text=True)
    partner = make_team("CFB-TEST", ward_codes=(), kind="partner", coverage="all")
    partner_user = make_user("partner@example.org", "inspector", teams=[partner])
    shared = db.session.get(Concern, cid)
    shared.copied_teams.append(fresh(db, partner))
    db.session.commit()
    copied = logged_in_client(app, partner_user)
    page = copied.get(f"/inbox/concerns/{cid}").get_data(as_text=True)
    assert "Patrol on Tuesdays" in page and "Update this action" not in page and "Agree an action" not in page
    assert copied.get(f"/inbox/actions/{aid}").status_code == 200
    assert _update(copied, db, aid, note="We can help").status_code == 403
    assert copied.post(f"/inbox/concerns/{cid}/actions", data={}).status_code == 403


def test_staff_see_every_action(app, db, staff_client, concern):
    agree(app, db, concern, title="Lamp post survey")
    assert "Lamp post survey" in staff_client.get("/inbox/actions").get_data(as_text=True)
