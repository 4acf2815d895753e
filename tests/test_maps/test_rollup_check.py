"""`flask maps check-rollups` / `rebuild-rollups` (engage/maps/rollup_check.py): the
direct counts agree with what the triggers keep, corruption is found and repaired, and
the rebuild refuses while a trigger is missing. Runs on SQLite and PostgreSQL.

The commands end their own transactions (and the CLI's app context removes the session),
so each test commits what it stores: the test's outer transaction still rolls it all back."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from engage.accounts.policy import scope_for
from engage.concerns.models import Category, Concern, Meeting, meeting_ward
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import BoundarySet, Ward
from engage.maps import rollup, rollup_check
from engage.maps.services import MapFilters, heat_cells, ward_counts
from tests.conftest import TODAY
from tests.test_maps.test_map_rollup import expected_rollups

STATUSES = ("new", "acknowledged", "in_progress", "action_taken", "closed", "no_action")


def _pg(db) -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


@pytest.fixture
def stored(app_ctx, db, users):
    """Concerns over two years (some without a ward or a position, a fifth demo, every
    category and status, some raised a minute either side of midnight UTC) and meetings
    (held, planned, cancelled; one linked to two wards of one code), committed."""
    rng = random.Random(5)
    current = current_boundary_set()
    wards = db.session.scalars(sa.select(Ward).where(Ward.boundary_set_id == current.id).order_by(Ward.code)).all()
    picked = rng.sample(wards, 8)
    old_set = BoundarySet(vintage="2015-05", source="test", is_current=False)
    db.session.add(old_set)
    db.session.flush()
    old_ward = Ward(
        boundary_set_id=old_set.id,
        code=picked[0].code,
        name=picked[0].name,
        local_authority_id=picked[0].local_authority_id,
        geometry=picked[0].geometry,
        label_lon=picked[0].label_lon,
        label_lat=picked[0].label_lat,
    )
    db.session.add(old_ward)
    db.session.flush()
    categories = db.session.scalars(sa.select(Category.id).order_by(Category.id)).all()
    rows = []
    for i in range(240):
        ward = rng.choice(picked + [old_ward]) if rng.random() > 0.1 else None
        day = TODAY - timedelta(days=rng.randint(0, 730))
        moment = (time(23, 59), time(0, 1), time(rng.randint(0, 23), rng.randint(0, 59)))[i % 3]
        positioned = rng.random() > 0.2
        base = (ward.label_lon, ward.label_lat) if ward else (-1.1, 54.7)
        lon, lat = (
            (base[0] + rng.uniform(-0.03, 0.03), base[1] + rng.uniform(-0.02, 0.02)) if positioned else (None, None)
        )
        rows.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
                "category_id": categories[i % len(categories)],
                "description": "stored",
                "lon": lon,
                "lat": lat,
                "location_source": "map" if positioned else "ward",
                "ward_id": ward.id if ward else None,
                "boundary_set_id": ward.boundary_set_id if ward else None,
                "needs_review": ward is None,
                "raised_at": datetime.combine(day, moment, tzinfo=UTC),
                "status": STATUSES[i % len(STATUSES)],
                "is_demo": i % 5 == 0,
            }
        )
    db.session.execute(sa.insert(Concern), rows)
    meetings, links = [], []
    for i in range(30):
        meeting_id = str(uuid.uuid4())
        meetings.append(
            {
                "id": meeting_id,
                "date": TODAY - timedelta(days=rng.randint(0, 700)),
                "status": ("held", "held", "held", "planned", "cancelled")[i % 5],
                "is_demo": i % 4 == 0,
            }
        )
        links.append({"meeting_id": meeting_id, "ward_id": picked[i % len(picked)].id})
        if i % 6 == 0:  # a second ward, or the same code in the older vintage
            links.append({"meeting_id": meeting_id, "ward_id": old_ward.id if i % 12 == 0 else picked[(i + 1) % 8].id})
    db.session.execute(sa.insert(Meeting), meetings)
    db.session.execute(sa.insert(meeting_ward), links)
    db.session.commit()
    return {"users": users, "picked": picked}


def snapshot(db):
    """Both rollup tables, row by row."""

    def rows(table):
        return {(bool(r[0]),) + tuple(r[1:-1]): r[-1] for r in db.session.execute(sa.select(table)).all()}

    return rows(rollup.concern_rollup), rows(rollup.meeting_rollup)


def map_answers(stored, db):
    """What staff see on the maps (wards and heat) for a few filters, from the rollup."""
    scope = scope_for(stored["users"]["staff"])
    boundary_set_id = current_boundary_set().id
    filters = [
        MapFilters(TODAY - timedelta(days=365), TODAY),
        MapFilters(TODAY - timedelta(days=730), TODAY),
        MapFilters(TODAY - timedelta(days=365), TODAY, source="demo"),
        MapFilters(TODAY - timedelta(days=200), TODAY - timedelta(days=10), category="drugs", status="open"),
    ]
    return [
        (
            ward_counts(f, scope, boundary_set_id),
            heat_cells(f, scope, boundary_set_id, 11),
            heat_cells(f, scope, boundary_set_id, 9),
        )
        for f in filters
    ]


def corrupt(db, stored) -> tuple[int, int]:
    """Hand edits: one count changed, a ward's longest blocks deleted, a row left at 0,
    some meeting rows deleted. Returns the keys now wrong in each table."""
    cr, mr = rollup.concern_rollup, rollup.meeting_rollup
    first = db.session.execute(
        sa.select(cr).where(cr.c.zoom == rollup.WARD_ZOOM, cr.c.level == 0).order_by(*cr.primary_key.columns).limit(1)
    ).one()
    key = {c.name: first._mapping[c.name] for c in cr.primary_key.columns}
    db.session.execute(sa.update(cr).where(*(cr.c[k] == v for k, v in key.items())).values(n=cr.c.n + 5))
    ward_id = stored["picked"][1].id
    gone = db.session.execute(sa.delete(cr).where(cr.c.ward_id == ward_id, cr.c.level == 8)).rowcount
    db.session.execute(
        sa.insert(cr).values(
            is_demo=False, zoom=0, category_id=0, status="*", level=0, bucket=1, ward_id=ward_id, gx=0, gy=0, n=0
        )
    )
    meetings_gone = db.session.execute(sa.delete(mr).where(mr.c.level == 2)).rowcount
    db.session.commit()
    assert gone > 0 and meetings_gone > 0
    return 1 + gone + 1, meetings_gone


def test_direct_counts_match_the_triggers_and_a_recount(stored, db, runner):
    concerns, meetings = expected_rollups(db)  # recounted in Python (tests/test_maps/test_map_rollup.py)
    direct = {(bool(r[0]),) + tuple(r[1:-1]): r[-1] for r in db.session.execute(rollup_check.expected_concern_rollup())}
    assert direct == dict(concerns)
    direct = {(bool(r[0]),) + tuple(r[1:-1]): r[-1] for r in db.session.execute(rollup_check.expected_meeting_rollup())}
    assert direct == dict(meetings)
    assert snapshot(db) == (dict(concerns), dict(meetings))

    report = rollup_check.check()
    assert report.ok and report.missing_triggers == [] and report.disabled_triggers == []
    assert [(t.table, t.differing_keys) for t in report.tables] == [("concern_rollup", 0), ("meeting_rollup", 0)]
    assert report.tables[0].stored_rows == len(concerns) and report.tables[1].stored_rows == len(meetings)

    result = runner.invoke(args=["maps", "check-rollups"])
    assert result.exit_code == 0, result.output
    assert "Triggers: all in place." in result.output
    assert "agree with the concerns and meetings" in result.output


def test_day_numbers_are_utc_whatever_the_session_time_zone(stored, db):
    if not _pg(db):
        pytest.skip("SQLite has no session time zone")
    db.session.execute(sa.text("SET LOCAL TIME ZONE 'Pacific/Auckland'"))
    work_mem = db.session.scalar(sa.text("SELECT current_setting('work_mem')"))
    assert rollup_check.check().ok
    # The recount's larger work_mem is put back for the rest of the transaction.
    assert db.session.scalar(sa.text("SELECT current_setting('work_mem')")) == work_mem != rollup_check.PG_WORK_MEM


def test_corruption_is_reported_then_rebuilt(stored, db, runner):
    before_rows, before_answers = snapshot(db), map_answers(stored, db)
    concern_keys, meeting_keys = corrupt(db, stored)
    assert map_answers(stored, db) != before_answers

    report = rollup_check.check(examples=3)
    assert not report.ok and report.missing_triggers == []
    concern_check, meeting_check = report.tables
    assert (concern_check.differing_keys, meeting_check.differing_keys) == (concern_keys, meeting_keys)
    assert len(concern_check.examples) == 3 and all(
        d.expected != d.stored or d.stored == 0 for d in concern_check.examples
    )
    assert all(d.stored == 0 and d.expected > 0 for d in meeting_check.examples)

    result = runner.invoke(args=["maps", "check-rollups"])
    assert result.exit_code == 1, result.output
    assert (
        f"concern_rollup: {len(before_rows[0]) - concern_keys + 2 + 1:,} rows, {concern_keys:,} keys differ"
        in result.output
    )
    assert f"meeting_rollup: {len(before_rows[1]) - meeting_keys:,} rows, {meeting_keys:,} keys differ" in result.output
    assert "stored a row at 0" in result.output and "counted 1, stored 0" in result.output
    assert "maps rebuild-rollups" in result.output

    result = runner.invoke(args=["maps", "rebuild-rollups"])
    assert result.exit_code == 0, result.output
    assert (
        f"wrote {len(before_rows[0]):,} concern_rollup rows" in result.output
        and f"{len(before_rows[1]):,} meeting_rollup rows" in result.output
    )

    assert snapshot(db) == before_rows
    assert map_answers(stored, db) == before_answers
    result = runner.invoke(args=["maps", "check-rollups"])
    assert result.exit_code == 0, result.output
    # The triggers keep the rebuilt rows, as they kept the ones before.
    db.session.execute(sa.update(Concern).where(Concern.status == "new").values(status="closed"))
    db.session.execute(sa.delete(meeting_ward).where(meeting_ward.c.ward_id == stored["picked"][0].id))
    assert rollup_check.check().ok


def test_dry_run_reports_and_changes_nothing(stored, db, runner):
    before_rows = snapshot(db)
    concern_keys, meeting_keys = corrupt(db, stored)
    corrupted = snapshot(db)

    result = runner.invoke(args=["maps", "rebuild-rollups", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"{concern_keys:,} keys differ" in result.output and f"{meeting_keys:,} keys differ" in result.output
    assert (
        f"a rebuild would write {len(before_rows[0]):,} concern_rollup rows (replacing {len(corrupted[0]):,})"
    ) in result.output
    assert "nothing changed" in result.output
    assert snapshot(db) == corrupted


def _drop_trigger(db, table, name):
    db.session.execute(sa.text(f"DROP TRIGGER {name} ON {table}" if _pg(db) else f"DROP TRIGGER {name}"))
    db.session.commit()  # within the test's outer transaction, which restores it


def test_rebuild_refuses_while_a_trigger_is_missing(stored, db, runner):
    concern_keys, _ = corrupt(db, stored)
    corrupted = snapshot(db)
    _drop_trigger(db, "concern", "concern_rollup_update")
    assert rollup.missing_triggers() == ["concern.concern_rollup_update"]
    assert rollup_check.schema_behind() is False

    for args in (["maps", "rebuild-rollups"], ["maps", "rebuild-rollups", "--dry-run"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 2, result.output
        assert "concern.concern_rollup_update" in result.output and "nothing was written" in result.output
        # At the head already: `db upgrade` alone would not bring them back.
        assert "flask --app engage db downgrade 0006" in result.output
        assert snapshot(db) == corrupted

    result = runner.invoke(args=["maps", "check-rollups"])
    assert result.exit_code == 1
    assert "Missing triggers: concern.concern_rollup_update" in result.output
    assert f"{concern_keys:,} keys differ" in result.output

    with pytest.raises(rollup_check.RollupTriggersMissing) as refused:
        rollup_check.rebuild()
    assert refused.value.missing == ["concern.concern_rollup_update"] and not refused.value.schema_behind


def test_check_fails_on_a_missing_trigger_even_when_the_rows_agree(stored, db, runner):
    _drop_trigger(db, "meeting_ward", "meeting_rollup_link_insert")
    result = runner.invoke(args=["maps", "check-rollups"])
    assert result.exit_code == 1, result.output
    assert "Missing triggers: meeting_ward.meeting_rollup_link_insert" in result.output
    assert "concern_rollup: " in result.output and "all agree" in result.output


def test_rebuild_refuses_while_a_trigger_is_disabled(stored, db, runner):
    if not _pg(db):
        assert rollup_check.disabled_triggers() == []
        pytest.skip("SQLite cannot disable a trigger")
    db.session.execute(sa.text("ALTER TABLE meeting DISABLE TRIGGER meeting_rollup_update"))
    db.session.commit()
    assert rollup_check.disabled_triggers() == ["meeting.meeting_rollup_update"]
    result = runner.invoke(args=["maps", "rebuild-rollups"])
    assert result.exit_code == 2, result.output
    assert "meeting.meeting_rollup_update" in result.output and "ENABLE TRIGGER" in result.output
    result = runner.invoke(args=["maps", "check-rollups"])
    assert result.exit_code == 1 and "Disabled triggers: meeting.meeting_rollup_update" in result.output
