"""The Panel report's actions: of those due in the period, done on time, done late,
dropped and still open (overdue among them), checked against direct counts of the
actions table; demo actions never in real figures."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import sqlalchemy as sa

from engage.actions.models import Action
from engage.actions.services import create_action, update_action
from engage.concerns.capture import raise_concern
from engage.extensions import db
from engage.platform.dates import office_day
from engage.platform.db import utcnow
from engage.reports.aggregation import Period
from engage.reports.panel_report import build_panel_report
from tests.conftest import TODAY

PERIOD = Period(TODAY - timedelta(days=60), TODAY)


def a_concern(demo: bool = False):
    c, _ = raise_concern(
        {"id": str(uuid.uuid4()), "category": "speeding", "description": "Racing", "ward_code": "E05009857"},
        notify=False,
    )
    c.is_demo = demo
    db.session.commit()
    return c


def agreed(concern, title, due, status="open", closed_days_after_due=None):
    action = create_action(
        title=title, due_date=due, today=due, actor_id=None, actor="t", concern=concern, owner_team=concern.lead_team
    )
    db.session.commit()
    if status != "open":
        update_action(action, actor_id=None, actor="t", status=status, dropped_reason="Not needed")
        db.session.commit()
    if closed_days_after_due is not None:
        closed = utcnow() - timedelta(days=(TODAY - due).days - closed_days_after_due)
        db.session.execute(sa.update(Action).where(Action.id == action.id).values(closed_at=closed))
        db.session.commit()
    return action


def test_the_panel_counts_actions_due_in_the_period(app_ctx, users, team):
    real, demo = a_concern(), a_concern(demo=True)
    agreed(real, "On time", TODAY - timedelta(days=30), "done", closed_days_after_due=-2)
    agreed(real, "Late", TODAY - timedelta(days=30), "done", closed_days_after_due=5)
    agreed(real, "Dropped", TODAY - timedelta(days=20), "dropped", closed_days_after_due=0)
    agreed(real, "Open and overdue", TODAY - timedelta(days=3))
    agreed(real, "Open, due today", TODAY)
    agreed(real, "Before the period", PERIOD.start - timedelta(days=1))
    agreed(real, "After it", TODAY + timedelta(days=1))
    agreed(demo, "Demo, overdue", TODAY - timedelta(days=3))
    report = build_panel_report(PERIOD, "real", date(2017, 1, 1), with_map=False, report_date=TODAY)
    t = report.actions.total
    # The same figures counted directly.
    due = db.session.scalars(
        sa.select(Action).where(Action.due_date.between(PERIOD.start, PERIOD.end), ~Action.is_demo)
    ).all()
    done = [a for a in due if a.status == "done"]
    assert t.due == len(due) == 5
    assert t.on_time == sum(office_day(a.closed_at) <= a.due_date for a in done) == 1
    assert t.late == sum(office_day(a.closed_at) > a.due_date for a in done) == 1
    assert t.dropped == sum(a.status == "dropped" for a in due) == 1
    assert t.open == sum(a.status == "open" for a in due) == 2
    assert t.overdue == sum(a.status == "open" and a.due_date < TODAY for a in due) == 1
    words = report.wording["actions"]
    assert words == (
        "Of the 5 actions agreed with an owner and due in the period, 1 was done on time, 1 done late, "
        "1 dropped and 2 remain open, 1 of them overdue."
    )
    table = next(
        b for s in report.sections for b in s.blocks if getattr(b, "header", [""])[0] == "Actions due in the period"
    )
    assert table.rows == [("From residents' concerns", 5, 1, 1, 1, 2, 1)]
    demo_report = build_panel_report(PERIOD, "demo", date(2017, 1, 1), with_map=False, report_date=TODAY)
    assert (demo_report.actions.total.due, demo_report.actions.total.overdue) == (1, 1)


def test_a_period_with_no_actions_says_so(app_ctx, users, team):
    report = build_panel_report(PERIOD, "real", date(2017, 1, 1), with_map=False, report_date=TODAY)
    assert report.wording["actions"] == "No actions agreed with an owner and a due date fell due in the period."
