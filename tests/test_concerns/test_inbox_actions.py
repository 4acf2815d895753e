"""Acting on concerns from the inbox: the owner and due date form on a concern's page,
and the bulk bar (its service, then its page)."""

import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.accounts.policy import scope_for
from engage.accounts.services import create_user
from engage.concerns.bulk import act_on_many
from engage.concerns.capture import raise_concern
from engage.concerns.models import Concern, ConcernAssignment, StatusChange
from engage.concerns.workflow import change_status
from engage.extensions import db
from tests.conftest import TODAY, logged_in_client, make_team


def raise_one(officer, text, ward="E05009857", code="speeding"):
    concern, _ = raise_concern(
        {"id": str(uuid.uuid4()), "category": code, "description": text, "ward_code": ward}, officer
    )
    return concern


def named_user(email, name, team):
    user = create_user(email, ["inspector"], password="correct horse battery", name=name, team_codes=[team.code])
    db.session.commit()
    return user


@pytest.fixture
def colleague(app, team):
    return named_user("colleague@example.org", "Sam Colleague", team)


def make_stockton(users):
    """A concern led by another team (the inspector cannot see it) and one led by that
    team but copied to the inspector's: their ids."""
    other = make_team("INT-STOCK", ward_codes=("E05001552",), lad_code="E06000004")
    hidden = raise_one(users["officer"], "Speeding through Yarm High Street", ward="E05001552")
    copied = raise_one(users["officer"], "Racing on Yarm Lane", ward="E05001552")
    copied.copied_teams = [db.session.scalar(sa.select(type(other)).where(type(other).code == "INT-TEST"))]
    db.session.commit()
    return {"hidden": hidden.id, "copied": copied.id}


@pytest.fixture
def stockton(app_ctx, users):
    return make_stockton(users)


def history(concern_id):
    return [
        c.to_status
        for c in db.session.scalars(
            sa.select(StatusChange).where(StatusChange.concern_id == concern_id).order_by(StatusChange.id)
        )
    ]


# The service


def test_bulk_acknowledge_records_each_and_names_what_it_could_not_do(app_ctx, users, stockton):
    first = raise_one(users["officer"], "Cars racing on Linthorpe Road")
    second = raise_one(users["officer"], "Vans on the pavement by the school")
    closed = raise_one(users["officer"], "Bins burnt last week")
    change_status(closed, "no_action", "Reported to the council", None, "test")
    db.session.commit()
    ids = [first.id, second.id, closed.id, stockton["copied"], stockton["hidden"], "not-a-concern"]
    outcome = act_on_many(scope_for(users["inspector"]), ids, "acknowledge", users["inspector"])
    db.session.commit()
    # A copied team acts on its status as the lead team does; the closed one cannot move so.
    assert [c.description for c in outcome.done] == [
        "Cars racing on Linthorpe Road",
        "Vans on the pavement by the school",
        "Racing on Yarm Lane",
    ]
    assert [(c.description, why) for c, why in outcome.refused] == [
        ("Bins burnt last week", "a concern that is no action cannot become acknowledged")
    ]
    assert outcome.missing == 2  # another team's concern is answered as one that does not exist
    for concern_id in (first.id, second.id):
        assert history(concern_id) == ["acknowledged"]
    assert history(closed.id) == ["no_action"]
    assert db.session.get(Concern, stockton["hidden"]).status == "new"


def test_bulk_assign_only_where_the_user_leads_and_the_owner_is_in_the_team(app_ctx, db, users, colleague, stockton):
    ours = [raise_one(users["officer"], f"Parking on Albert Road, report {n}") for n in (1, 2)]
    outcome = act_on_many(
        scope_for(users["inspector"]),
        [c.id for c in ours] + [stockton["copied"]],
        "assign",
        users["inspector"],
        owner_id=colleague.id,
    )
    db.session.commit()
    assert {c.owner_id for c in ours} == {colleague.id}
    assert [why for _, why in outcome.refused] == ["only its lead team can assign it"]
    assert db.session.get(Concern, stockton["copied"]).owner_id is None
    # Staff lead everything, but the owner must still be in each concern's own lead team.
    staff = act_on_many(
        scope_for(users["staff"]), [ours[0].id, stockton["copied"]], "assign", users["staff"], owner_id=colleague.id
    )
    assert [c.id for c in staff.done] == [ours[0].id]
    assert "Sam Colleague is not a member of Team INT-STOCK" in staff.refused[0][1]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConcernAssignment)) == 2  # unchanged: not again


def test_bulk_status_needs_each_move_to_be_allowed(app_ctx, users):
    concerns = [raise_one(users["officer"], f"Dealing by the shops, {n}") for n in (1, 2)]
    change_status(concerns[1], "action_taken", "Dispersal order served", None, "test")
    db.session.commit()
    outcome = act_on_many(
        scope_for(users["inspector"]), [c.id for c in concerns], "status", users["inspector"], to="closed", note=""
    )
    assert [c.id for c in outcome.done] == [concerns[1].id]
    assert outcome.refused[0][1] == "a concern that is new cannot become closed"


# The pages


def test_the_lead_team_sets_owner_and_due_date_on_the_concerns_page(app, users, colleague):
    with app.app_context():
        concern_id = raise_one(users["officer"], "Cars racing on Linthorpe Road").id
        db.session.commit()
        colleague_id, inspector_id = colleague.id, users["inspector"].id
    client = logged_in_client(app, users["inspector"])
    page = client.get(f"/inbox/concerns/{concern_id}").get_data(as_text=True)
    assert "Owner and due date" in page
    assert f'<option selected value="">Nobody yet</option><option value="{inspector_id}">inspector@example.org' in page
    assert f'<option value="{colleague_id}">Sam Colleague</option>' in page
    due = TODAY + timedelta(days=14)
    saved = client.post(
        f"/inbox/concerns/{concern_id}/assignment",
        data={"assign-owner": str(colleague_id), "assign-due_date": due.isoformat()},
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/inbox/concerns/{concern_id}#assignment")
    page = client.get(f"/inbox/concerns/{concern_id}").get_data(as_text=True)
    assert f"Owner: Sam Colleague; due {due:%-d %b %Y}." in page
    assert f"owner Sam Colleague, due {due:%-d %b %Y} by inspector@example.org" in page  # its history
    mine = logged_in_client(app, colleague).get("/inbox?owner=mine").get_data(as_text=True)
    assert "Cars racing on Linthorpe Road" in mine and "Owner: Mine" not in mine


@pytest.mark.parametrize(
    "owner, due, field, message",
    [
        ("outsider", "2026-07-01", "assign-owner", "Out Sider is not a member of Team INT-TEST"),
        ("colleague", "31/02/2026", "assign-due_date", "“31/02/2026” is not a date: give it as 15/07/2026."),
        ("colleague", "2026-01-01", "assign-due_date", "The due date is before the concern was raised"),
        ("x1", "", "assign-owner", "Choose the owner from the list."),
    ],
)
def test_a_refused_assignment_says_why_by_the_field_and_keeps_what_was_typed(
    app, db, users, colleague, owner, due, field, message
):
    with app.app_context():
        outsider = named_user("outsider@example.org", "Out Sider", make_team("INT-X", ()))
        concern_id = raise_one(users["officer"], "Cars racing on Linthorpe Road").id
        db.session.commit()
        owner_id = {"outsider": str(outsider.id), "colleague": str(colleague.id)}.get(owner, owner)
    answer = logged_in_client(app, users["inspector"]).post(
        f"/inbox/concerns/{concern_id}/assignment", data={"assign-owner": owner_id, "assign-due_date": due}
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    error = page.split(f'id="{field}-error">')[1].split("</p>")[0]
    assert message.replace("“", "&#8220;") in error or message in error
    assert f'value="{due}"' in page
    with app.app_context():
        concern = db.session.get(Concern, concern_id)
        assert concern.owner_id is None and concern.due_date is None


def test_a_copied_team_cannot_assign_and_sees_no_form(app, users):
    with app.app_context():
        stockton = make_stockton(users)
    client = logged_in_client(app, users["inspector"])
    page = client.get(f"/inbox/concerns/{stockton['copied']}").get_data(as_text=True)
    assert "Owner and due date" in page and "Save owner and due date" not in page
    assert client.post(f"/inbox/concerns/{stockton['copied']}/assignment", data={}).status_code == 403


def test_bulk_bar_acknowledges_the_ticked_and_names_the_rest(app, users):
    with app.app_context():
        ids = [raise_one(users["officer"], f"Off-road bikes in Albert Park, {n}").id for n in (1, 2)]
        closed = raise_one(users["officer"], "Bins burnt behind the Co-op")
        change_status(closed, "no_action", "Council's", None, "test")
        db.session.commit()
        closed_id = closed.id
    client = logged_in_client(app, users["inspector"])
    page = client.get("/inbox?status=all").get_data(as_text=True)
    assert page.count('name="bulk-ids"') == 3
    done = client.post(
        "/inbox/bulk?status=all&sort=oldest",
        data={"bulk-ids": ids + [closed_id], "bulk-action": "acknowledge"},
        follow_redirects=True,
    )
    text = done.get_data(as_text=True)
    assert done.request.full_path == "/inbox?status=all&sort=oldest"
    assert "Acknowledged 2 concerns." in text
    assert (
        "Not done: “Bins burnt behind the Co-op” (Speeding and road safety, Central): "
        "a concern that is no action cannot become acknowledged." in text
    )
    with app.app_context():
        assert [db.session.get(Concern, i).status for i in ids] == ["acknowledged", "acknowledged"]


def test_a_bulk_form_it_cannot_use_changes_nothing_and_keeps_the_ticks(app, users):
    with app.app_context():
        ids = [raise_one(users["officer"], f"Speeding on Marton Road, {n}").id for n in (1, 2)]
        db.session.commit()
    client = logged_in_client(app, users["inspector"])
    nothing = client.post("/inbox/bulk", data={"bulk-action": "acknowledge"})
    assert nothing.status_code == 422 and "Tick the concerns to act on first." in nothing.get_data(as_text=True)
    no_note = client.post(
        "/inbox/bulk", data={"bulk-ids": ids, "bulk-action": "status", "bulk-to": "action_taken", "bulk-note": " "}
    )
    page = no_note.get_data(as_text=True)
    assert no_note.status_code == 422
    assert 'id="bulk-note-error">Say what was done (the &#34;we did&#34; text): the note goes on each concern.' in page
    assert all(re.search(f'value="{i}" [^>]*checked', page) for i in ids)
    assert '<option value="action_taken" selected>' in page
    no_owner = client.post("/inbox/bulk", data={"bulk-ids": ids, "bulk-action": "assign"})
    assert no_owner.status_code == 422 and "Choose who to assign them to (or nobody)." in no_owner.get_data(
        as_text=True
    )
    with app.app_context():
        assert {db.session.get(Concern, i).status for i in ids} == {"new"}


def test_the_bulk_bar_refuses_a_post_without_its_csrf_token(app, users):
    with app.app_context():
        concern_id = raise_one(users["officer"], "Speeding on Acklam Road").id
        db.session.commit()
    client = logged_in_client(app, users["inspector"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        answer = client.post("/inbox/bulk", data={"bulk-ids": [concern_id], "bulk-action": "acknowledge"})
        assert answer.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert db.session.get(Concern, concern_id).status == "new"
