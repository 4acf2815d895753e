"""The audit trail keeps the old value of a change even when the object was expired
(every commit expires it), and audits categories although their model does not say so."""

import sqlalchemy as sa

from engage.concerns.models import Category
from engage.platform.audit import AuditEvent
from engage.teams.models import Team


def _updates(db, entity):
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.action == "update").order_by(AuditEvent.id)
    ).all()


def test_old_values_of_an_expired_object_are_recorded(db, team):
    db.session.commit()  # expires every attribute of `team`
    assert "name" not in team.__dict__
    team.name = "Renamed INT"
    team.notify_mode = "digest"
    db.session.commit()
    event = _updates(db, "team")[-1]
    assert event.changes["name"] == ["Team INT-TEST", "Renamed INT"]
    assert event.changes["notify_mode"] == ["immediate", "digest"]


def test_setting_the_same_value_again_records_nothing(db, team):
    db.session.commit()
    team.name = "Team INT-TEST"
    db.session.commit()
    assert _updates(db, "team") == []


def test_excluded_columns_stay_unloaded_and_unrecorded(db, users):
    user = users["officer"]
    db.session.commit()
    user.last_login_at = sa.func.now()  # excluded from the trail: no old value loaded for it
    db.session.commit()
    assert _updates(db, "user_account") == []


def test_category_changes_are_audited(db):
    category = db.session.scalar(sa.select(Category).where(Category.code == "parking"))
    category.label = "Parking and obstruction"
    db.session.add(Category(code="street_drinking", label="Street drinking", sort_order=200))
    db.session.commit()
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity == "category").order_by(AuditEvent.id)
    ).all()
    assert {(e.action, e.label) for e in events} == {("update", "parking"), ("create", "street_drinking")}
    update = next(e for e in events if e.action == "update")
    assert update.changes == {"label": ["Parking", "Parking and obstruction"]}


def test_another_app_made_in_the_process_does_not_audit_twice(db, team, tmp_path):
    """create_app registers the audit hook (and SQLite's set-up) once per process, however
    many apps are made: one change, one entry."""
    from tests.conftest import make_test_app

    team_id = sa.inspect(team).identity[0]
    make_test_app("sqlite://", tmp_path)
    make_test_app("sqlite://", tmp_path)
    team = db.session.get(Team, team_id)
    team.name = "Renamed again"
    db.session.commit()
    assert [e.changes["name"][1] for e in _updates(db, "team")] == ["Renamed again"]
