"""The audit trail keeps the old value of a change even when the object was expired
(every commit expires it), and audits categories although their model does not say so."""
import sqlalchemy as sa

from engage.concerns.models import Category
from engage.platform.audit import AuditEvent


def _updates(db, entity):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.action == "update")
                              .order_by(AuditEvent.id)).all()


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
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity == "category")
                                .order_by(AuditEvent.id)).all()
    assert {(e.action, e.label) for e in events} == {("update", "parking"), ("create", "street_drinking")}
    update = next(e for e in events if e.action == "update")
    assert update.changes == {"label": ["Parking", "Parking and obstruction"]}
