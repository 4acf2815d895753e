"""Who owns a concern and when it is due: the default from the category's target, the
lead team setting them, the inbox's "mine", "unassigned" and "overdue" and its order."""

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from engage.accounts.models import User
from engage.accounts.policy import scope_for
from engage.concerns.assignment import AssignmentError, assign, assignment_history
from engage.concerns.capture import raise_concern
from engage.concerns.inbox import InboxFilters, inbox_page
from engage.concerns.models import Category, Concern
from engage.concerns.workflow import change_status
from tests.conftest import TODAY, logged_in_client, make_team, make_user


def category(db, code="speeding", target_days=None):
    found = db.session.scalar(sa.select(Category).where(Category.code == code))
    found.target_days = target_days
    db.session.commit()
    return found


def raise_one(officer, text="Cars racing on Linthorpe Road", code="speeding", ward="E05009857", raised_at=None):
    body = {"id": str(uuid.uuid4()), "category": code, "description": text, "ward_code": ward}
    if raised_at:
        body["raised_at"] = raised_at
    concern, _ = raise_concern(body, officer)
    return concern


@pytest.fixture
def colleague(team):
    return make_user("colleague@example.org", "inspector", teams=[team])


def test_a_new_concern_is_due_its_categorys_target_after_the_day_it_was_raised(app_ctx, db, users):
    category(db, target_days=28)
    concern = raise_one(users["officer"])
    assert concern.due_date == TODAY + timedelta(days=28)
    # Raised at 00:30 in Middlesbrough (23:30 UTC the day before, in summer time): the office's day counts.
    late = raise_one(users["officer"], raised_at="2026-06-17T23:30:00+00:00")
    assert late.due_date == date(2026, 6, 18) + timedelta(days=28)


def test_a_category_with_no_target_gives_no_due_date(app_ctx, db, users):
    category(db, target_days=None)
    assert raise_one(users["officer"]).due_date is None


def test_the_database_refuses_a_target_of_no_days(app_ctx, db):
    with pytest.raises(sa.exc.IntegrityError):
        category(db, target_days=0)
    db.session.rollback()


def test_the_lead_team_names_an_owner_and_due_date_kept_in_the_history(app_ctx, db, users, colleague):
    concern = raise_one(users["officer"])
    due = TODAY + timedelta(days=10)
    change = assign(concern, colleague.id, due, users["inspector"])
    db.session.commit()
    assert concern.owner == colleague and concern.due_date == due
    assert (change.owner, change.due_date, change.actor) == ("colleague@example.org", due, "inspector@example.org")
    assert assign(concern, colleague.id, due, users["inspector"]) is None  # as it was: nothing written
    assign(concern, None, None, users["staff"])
    db.session.commit()
    assert [(a.owner, a.due_date) for a in assignment_history(concern)] == [("colleague@example.org", due), ("", None)]


def test_only_a_member_of_the_lead_team_may_own_it(app_ctx, db, users):
    concern = raise_one(users["officer"])
    outsider = make_user("elsewhere@example.org", "inspector", teams=[make_team("INT-OTHER", ward_codes=())])
    with pytest.raises(AssignmentError) as refused:
        assign(concern, outsider.id, None, users["inspector"])
    assert refused.value.field == "owner" and "not a member of Team INT-TEST" in str(refused.value)
    with pytest.raises(AssignmentError):
        assign(concern, users["staff"].id, None, users["staff"])
    assert concern.owner_id is None


def test_a_due_date_before_the_concern_was_raised_or_years_ahead_is_refused(app_ctx, db, users):
    concern = raise_one(users["officer"])
    for day in (TODAY - timedelta(days=1), TODAY + timedelta(days=365 * 6)):
        with pytest.raises(AssignmentError) as refused:
            assign(concern, None, day, users["inspector"])
        assert refused.value.field == "due_date"
    assert concern.due_date is None


def test_removing_the_owners_account_leaves_the_concern_unowned(app_ctx, db, users, colleague):
    concern = raise_one(users["officer"])
    assign(concern, colleague.id, None, users["inspector"])
    db.session.commit()
    db.session.delete(db.session.get(User, colleague.id))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Concern, concern.id).owner_id is None
    assert assignment_history(concern)[0].owner == "colleague@example.org"  # as it then was


def test_the_lead_team_and_staff_may_assign_a_copied_team_may_not(app_ctx, db, users, team):
    partner = make_team("CFB-TEST", ward_codes=(), kind="partner", coverage="all")
    firefighter = make_user("fire@example.org", "inspector", teams=[partner])
    concern = raise_one(users["officer"])
    concern.copied_teams = [partner]
    db.session.commit()
    assert scope_for(users["inspector"]).leads(concern)
    assert scope_for(users["staff"]).leads(concern) and scope_for(users["admin"]).leads(concern)
    assert scope_for(firefighter).acts_on(concern) and not scope_for(firefighter).leads(concern)
    assert not scope_for(users["officer"]).leads(concern)


def listed(user, **args):
    return [c.description for c in inbox_page(scope_for(user), InboxFilters.from_args(args)).items]


def test_mine_unassigned_and_overdue(app_ctx, db, users, colleague):
    category(db, target_days=28)
    mine = raise_one(users["officer"], "Mine, due soon")
    theirs = raise_one(users["officer"], "Colleague's")
    nobodys = raise_one(users["officer"], "Nobody's yet")
    late = raise_one(users["officer"], "Raised in April", raised_at="2026-04-01T09:00:00+00:00")
    done_late = raise_one(users["officer"], "Late but closed", raised_at="2026-04-02T09:00:00+00:00")
    assign(mine, users["inspector"].id, TODAY + timedelta(days=2), users["inspector"])
    assign(theirs, colleague.id, TODAY, users["inspector"])
    assign(late, users["inspector"].id, late.due_date, users["inspector"])
    change_status(done_late, "no_action", "Duplicate of an earlier report", None, "test")
    db.session.commit()
    assert late.due_date == date(2026, 4, 29)

    inspector = users["inspector"]
    assert set(listed(inspector, owner="mine")) == {"Mine, due soon", "Raised in April"}
    assert set(listed(colleague, owner="mine")) == {"Colleague's"}
    assert set(listed(inspector, owner="unassigned")) == {"Nobody's yet"}  # closed ones are not 'open'
    assert listed(inspector, due="overdue") == ["Raised in April"]  # due today is not yet overdue
    assert listed(inspector, due="overdue", status="all") == ["Raised in April"]  # nor is a finished one
    assert listed(inspector, owner="mine", due="overdue") == ["Raised in April"]
    assert listed(users["staff"], due="overdue") == ["Raised in April"]
    assert nobodys.due_date == TODAY + timedelta(days=28)


def test_sorted_by_age_or_due_date(app_ctx, db, users):
    officer = users["officer"]
    old = raise_one(officer, "Old", raised_at="2026-05-01T09:00:00+00:00")
    new = raise_one(officer, "New", raised_at="2026-06-16T09:00:00+00:00")
    middle = raise_one(officer, "Middle", raised_at="2026-06-01T09:00:00+00:00")
    raise_one(officer, "No due date", raised_at="2026-06-10T09:00:00+00:00")
    assign(new, None, TODAY + timedelta(days=1), users["inspector"])
    assign(old, None, TODAY + timedelta(days=5), users["inspector"])
    assign(middle, None, TODAY + timedelta(days=1), users["inspector"])
    db.session.commit()
    for user in (users["inspector"], users["staff"]):
        assert listed(user) == ["New", "No due date", "Middle", "Old"]
        assert listed(user, sort="oldest") == ["Old", "Middle", "No due date", "New"]
        # Soonest first; on the same day the older first; none last.
        assert listed(user, sort="due") == ["Middle", "New", "Old", "No due date"]


def test_unknown_filters_are_named_and_the_inbox_still_shown(app, db, users):
    with app.app_context():
        raise_one(users["officer"], "Still listed")
        db.session.commit()
    client = logged_in_client(app, users["inspector"])
    for query, message in (
        ("owner=boss", "unknown owner &#39;boss&#39;: use mine or unassigned"),
        ("due=yesterday", "unknown due &#39;yesterday&#39;: use overdue"),
        ("sort=random", "unknown sort &#39;random&#39;: use newest or oldest or due"),
    ):
        answer = client.get(f"/inbox?{query}")
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400 and message in page and "Still listed" in page, query
