"""Reminders of actions through the outbox: one to the owner when an action falls due,
a weekly list to the team's inspectors; each queued once however often the reminders
run, sent through a real SMTP server, and waiting for a digest team's daily digest."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.actions.reminders import queue_reminders
from engage.actions.services import create_action, update_action
from engage.concerns.capture import raise_concern
from engage.notify.models import OutboxMessage
from engage.notify.services import send_due
from engage.platform.db import utcnow
from tests.conftest import TODAY, make_user
from tests.smtp import SmtpServer


@pytest.fixture
def smtp(app_ctx):
    server = SmtpServer()
    app_ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    yield server
    server.stop()
    app_ctx.config.update(MAIL_SERVER="", MAIL_PORT=25)


@pytest.fixture
def concern(app_ctx, db, users, team):
    made, _ = raise_concern(
        {"id": str(uuid.uuid4()), "category": "off_road_bikes", "description": "Quads", "ward_code": "E05009857"},
        users["officer"],
        notify=False,
    )
    db.session.commit()
    return made


def agree(db, concern, due, owner_user=None, title="Patrol the beck path"):
    action = create_action(
        title=title,
        due_date=due,
        today=min(due, TODAY),
        actor_id=None,
        actor="test",
        concern=concern,
        owner_user=owner_user,
        owner_team=concern.lead_team,
    )
    db.session.commit()
    return action


def outbox(db, subject_part=""):
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.subject.contains(subject_part)).order_by(OutboxMessage.id)
    ).all()


def test_an_overdue_action_is_reminded_once_through_smtp(smtp, db, runner, users, concern):
    """`flask actions remind` twice, then `flask outbox send`: one message arrives."""
    action_id = agree(db, concern, TODAY - timedelta(days=3), owner_user=users["inspector"]).id
    first = runner.invoke(args=["actions", "remind"])
    second = runner.invoke(args=["actions", "remind"])
    assert first.exit_code == 0 and "1 reminder of actions due" in first.output
    assert second.exit_code == 0 and "0 reminders of actions due" in second.output
    smtp.start()
    sent = runner.invoke(args=["outbox", "send"])
    assert sent.exit_code == 0
    due = [m for m in smtp.messages if "Action overdue" in m["Subject"]]
    assert len(due) == 1
    assert due[0]["To"] == "inspector@example.org"
    body = due[0].get_payload()
    assert "Patrol the beck path" in body and f"/inbox/actions/{action_id}" in body
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    assert len([m for m in smtp.messages if "Action overdue" in m["Subject"]]) == 1


def test_reminders_follow_the_due_date_the_owner_and_the_status(db, app_ctx, users, team, concern):
    not_yet = agree(db, concern, TODAY + timedelta(days=1), title="Not yet")
    today = agree(db, concern, TODAY, title="Due today")
    done = agree(db, concern, TODAY, title="Already done")
    update_action(done, actor_id=None, actor="x", status="done")
    db.session.commit()
    assert queue_reminders(TODAY).due == 1
    [message] = outbox(db, "Action due today")
    assert message.recipient == team.contact_email  # no person owns it: the team's address
    # Re-dated to tomorrow, then falling due again: a new reminder for the new date.
    update_action(today, actor_id=None, actor="x", due_date=TODAY + timedelta(days=1))
    db.session.commit()
    assert queue_reminders(TODAY + timedelta(days=1)).due == 2  # it, and "Not yet"
    assert queue_reminders(TODAY + timedelta(days=1)).due == 0
    assert not_yet.id and len(outbox(db, "Action due today")) == 3


def test_the_weekly_list_goes_to_each_inspector_of_the_team_once_a_week(db, app_ctx, users, team, concern):
    colleague = make_user("colleague@example.org", "inspector", teams=[team])
    make_user("clerk@example.org", "staff", teams=[team])  # not an inspector: no list
    agree(db, concern, TODAY - timedelta(days=2), title="Late one")
    sunday = TODAY + timedelta(days=6 - TODAY.weekday())
    agree(db, concern, sunday, title="This week's")
    agree(db, concern, sunday + timedelta(days=1), title="Next week's")
    assert queue_reminders(TODAY).weekly == 2
    assert queue_reminders(TODAY).weekly == 0
    lists = outbox(db, "actions, week")
    assert sorted(m.recipient for m in lists) == sorted([users["inspector"].email, colleague.email])
    body = lists[0].body
    assert "Late one" in body and "This week's" in body and "Next week's" not in body
    assert "1 overdue, 1 due this week" in lists[0].subject
    assert queue_reminders(TODAY + timedelta(days=7)).weekly == 2  # a new week


def test_a_digest_team_gets_its_reminders_in_its_daily_digest_to_each_recipient(smtp, db, users, team, concern):
    team.notify_mode = "digest"
    db.session.commit()
    agree(db, concern, TODAY - timedelta(days=1), owner_user=users["inspector"], title="Owned by a person")
    agree(db, concern, TODAY - timedelta(days=1), title="Owned by the team")
    queue_reminders(TODAY)
    assert {m.state for m in outbox(db)} == {"digest"}
    smtp.start()
    assert send_due((utcnow() + timedelta(days=1)).replace(hour=8)).sent == 2
    by_recipient = {m["To"]: m for m in smtp.messages}
    assert set(by_recipient) == {users["inspector"].email, team.contact_email}
    assert "Owned by a person" in by_recipient[users["inspector"].email].get_payload()
    assert "Owned by a person" not in by_recipient[team.contact_email].get_payload()
    # The team's reminder alone; the inspector's own with their weekly list.
    assert by_recipient[team.contact_email]["Subject"].endswith(": 1 item")
    assert by_recipient[users["inspector"].email]["Subject"].endswith(": 2 items")


def test_demo_actions_are_never_reminded(db, app_ctx, concern):
    concern.is_demo = True
    db.session.commit()
    agree(db, concern, TODAY - timedelta(days=1))
    assert str(queue_reminders(TODAY)) == "0 reminders of actions due, 0 weekly lists"


def test_the_outbox_worker_queues_the_reminders_itself(smtp, db, runner, users, concern):
    agree(db, concern, TODAY, owner_user=users["inspector"], title="Due today")
    smtp.start()
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    assert [m["Subject"] for m in smtp.messages if "Action due today" in m["Subject"]] == [
        "[engage] Action due today: Due today"
    ]
