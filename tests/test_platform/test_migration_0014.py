"""Migration 0014 widens two CHECK constraints in place on SQLite: the tables keep their
rows and triggers, the new words are accepted, unknown ones still refused, and it goes
down and up again on both engines."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from engage.extensions import db
from tests.conftest import make_test_app


def _triggers():
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    with db.engine.connect() as c:
        return sorted(c.exec_driver_sql(query).scalars())


def _insert_meeting(c, id_, kind):
    c.execute(
        sa.text(
            "INSERT INTO meeting (id, kind, date, venue, status, police_partners, pcc_attended, notes, created_at, "
            "updated_at, version, is_demo) VALUES (:id, :kind, '2026-02-08', 'Hall', 'held', '', true, '', "
            "'2026-02-08 10:00:00+00', '2026-02-08 10:00:00+00', 1, false)"
        ),
        {"id": id_, "kind": kind},
    )


def test_new_kinds_and_states_down_and_up_again(databases, tmp_path):
    app = make_test_app(databases.new("m0014"), tmp_path)
    with app.app_context():
        upgrade()
        triggers = _triggers()
        assert "meeting_rollup_update" in triggers
        with db.engine.begin() as c:
            _insert_meeting(c, "00000000-0000-4000-8000-000000000001", "scrutiny")
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as c:
            _insert_meeting(c, "00000000-0000-4000-8000-000000000002", "tea party")

        with pytest.raises(SystemExit):  # flask_migrate logs the migration's refusal and exits
            downgrade(revision="0013")
        with db.engine.begin() as c:
            c.exec_driver_sql("DELETE FROM meeting")
        downgrade(revision="0013")
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as c:
            _insert_meeting(c, "00000000-0000-4000-8000-000000000003", "scrutiny")
        upgrade()
        assert _triggers() == triggers
        with db.engine.begin() as c:
            _insert_meeting(c, "00000000-0000-4000-8000-000000000004", "partnership")
            assert c.exec_driver_sql("SELECT count(*) FROM meeting").scalar() == 1
        db.engine.dispose()
