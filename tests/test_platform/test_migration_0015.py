"""Migration 0015 adds the actions, minutes and report-back tables and three columns on
meeting without rebuilding it: the meetings and their triggers stay, and the database
itself refuses an action nobody owns or that comes from nowhere."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from engage.extensions import db
from tests.conftest import make_test_app
from tests.test_platform.test_migration_0014 import _insert_meeting, _triggers

MEETING = "00000000-0000-4000-8000-0000000000aa"


def _insert_action(c, owner_name, with_item=True):
    c.execute(
        sa.text(
            "INSERT INTO action (title, owner_name, status, dropped_reason, agenda_item_id, created_at, created_by, "
            "updated_at, version, is_demo) VALUES ('Update the group', :owner, 'open', '', :item, "
            "'2026-02-08 10:00:00+00', '', '2026-02-08 10:00:00+00', 1, false)"
        ),
        {"owner": owner_name, "item": 1 if with_item else None},
    )


def test_up_keeps_meetings_and_triggers_and_checks_actions(databases, tmp_path):
    app = make_test_app(databases.new("m0015"), tmp_path)
    with app.app_context():
        upgrade(revision="0014")
        triggers = _triggers()
        with db.engine.begin() as c:
            _insert_meeting(c, MEETING, "partnership")
        upgrade()
        assert _triggers() == triggers
        with db.engine.begin() as c:
            assert c.exec_driver_sql("SELECT series, minutes_approved_by FROM meeting").one() == (None, "")
            c.exec_driver_sql(
                f"INSERT INTO agenda_item (id, meeting_id, number, kind, title, presenter, discussion) "
                f"VALUES (1, '{MEETING}', 1, 'item', 'Off-road bikes', '', '')"
            )
            _insert_action(c, "J Feaks, Redcar and Cleveland Borough Council")
        for owner, item in (("", True), ("R Kipling", False)):
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as c:
                _insert_action(c, owner, item)
        downgrade(revision="0014")
        with db.engine.connect() as c:
            assert c.exec_driver_sql("SELECT count(*) FROM meeting").scalar() == 1
        assert "action" not in sa.inspect(db.engine).get_table_names()
        upgrade()
        db.engine.dispose()
