"""Migration 0016 adds the consultation, recorded-crime and Section 59 tables, and the
database itself refuses what no screen should store: a second response from one browser
session, a month that is not a month's first day, a warning without a known outcome, a
reference twice."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from engage.extensions import db
from tests.conftest import make_test_app

NOW = "'2026-02-08 10:00:00+00'"


def _response(c, rid, session_key):
    c.execute(
        sa.text(
            "INSERT INTO consultation_response (id, consultation_id, channel, comment, answers, session_key, "
            f"submitted_at, recorded_at, keyed_by, voided_by, void_reason, is_demo) VALUES (:id, 1, 'online', '', "
            f"'{{}}', :key, {NOW}, {NOW}, '', '', '', false)"
        ),
        {"id": rid, "key": session_key},
    )


def test_up_and_down_with_the_database_refusing_what_no_screen_should_store(databases, tmp_path):
    app = make_test_app(databases.new("m0016"), tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.begin() as c:
            c.exec_driver_sql(
                "INSERT INTO consultation (id, slug, title, question, opens_on, closes_on, max_choices, free_text, "
                "free_text_prompt, questions, threshold, created_at, created_by, is_demo) VALUES (1, 'p', 'P', 'Q', "
                f"'2026-01-01', '2026-03-31', 3, true, '', '[]', 10, {NOW}, '', false)"
            )
            _response(c, "a", "same")
            _response(c, "b", None)
            _response(c, "c", None)  # keyed responses carry no session key: never equal
            c.exec_driver_sql(
                f"INSERT INTO recorded_month (month, imported_at, imported_by, files, rows_stored, rows_other_force, "
                f"rows_outside, rows_unplaced, is_demo) VALUES ('2026-01-01', {NOW}, '', '', 0, 0, 0, 0, false)"
            )
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as c:
            _response(c, "d", "same")
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as c:
            c.exec_driver_sql(
                f"INSERT INTO recorded_month (month, imported_at, imported_by, files, rows_stored, rows_other_force, "
                f"rows_outside, rows_unplaced, is_demo) VALUES ('2026-02-15', {NOW}, '', '', 0, 0, 0, 0, false)"
            )
        warning = (
            "INSERT INTO section59_warning (reference, occurred_on, place, vehicle_type, outcome, source, created_at, "
            "created_by, is_demo) VALUES ('{ref}', '2026-01-05', 'Eston Hills', 'quad', '{outcome}', 'entered', "
            f"{NOW}, '', false)"
        )
        with db.engine.begin() as c:
            c.exec_driver_sql(warning.format(ref="CLE/1", outcome="warning"))
        for ref, outcome in (("CLE/1", "seizure"), ("CLE/2", "caution")):
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as c:
                c.exec_driver_sql(warning.format(ref=ref, outcome=outcome))
        downgrade(revision="0015")
        assert "consultation" not in sa.inspect(db.engine).get_table_names()
        upgrade()
        db.engine.dispose()
