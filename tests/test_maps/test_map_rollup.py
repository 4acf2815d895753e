"""The map rollups against direct COUNT queries on a generated data set, before and after
status changes, moves, deletions and bulk SQL; and the rollup tables against an
independent recount in Python. Runs on SQLite and PostgreSQL (whichever the tests use)."""

from __future__ import annotations

import math
import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from engage.accounts.policy import scope_for
from engage.concerns.capture import raise_concern, record_meeting
from engage.concerns.models import (
    Category,
    Concern,
    Meeting,
    StatusChange,
    concern_copy,
    meeting_ward,
)
from engage.concerns.workflow import change_status
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import BoundarySet, Ward, WardDesignation
from engage.maps import rollup
from engage.maps.services import MapFilters, heat_cells, ward_counts
from tests.conftest import INSPECTOR_WARDS, TODAY, make_team, make_user

STATUSES = ("new", "acknowledged", "in_progress", "action_taken", "closed", "no_action")
ZOOMS = (8, 10, 11)


def utc(day: date, hour=12, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@pytest.fixture
def world(app_ctx, db, users):
    """Concerns over two years in a dozen wards (three in an older vintage with the same
    codes), some without a ward or a position, some demo, some routed or copied to the
    inspector's team; meetings held, planned and cancelled, one linked twice to a code."""
    rng = random.Random(11)
    current = current_boundary_set()
    wards = db.session.scalars(sa.select(Ward).where(Ward.boundary_set_id == current.id).order_by(Ward.code)).all()
    by_code = {w.code: w for w in wards}
    picked = [by_code[c] for c in INSPECTOR_WARDS] + rng.sample([w for w in wards if w.code not in INSPECTOR_WARDS], 9)
    old_set = BoundarySet(vintage="2015-05", source="test", is_current=False)
    db.session.add(old_set)
    db.session.flush()
    old_wards = [
        Ward(
            boundary_set_id=old_set.id,
            code=w.code,
            name=w.name,
            local_authority_id=w.local_authority_id,
            geometry=w.geometry,
            label_lon=w.label_lon,
            label_lat=w.label_lat,
        )
        for w in picked[2:5]
    ]
    db.session.add_all(old_wards)
    for i, w in enumerate(picked[:8]):
        db.session.add(
            WardDesignation(ward_id=w.id, designation=("strengthen", "support")[i % 2], effective_from=date(2018, 4, 1))
        )
    db.session.add(
        WardDesignation(ward_id=picked[1].id, designation="sustain", effective_from=TODAY - timedelta(days=20))
    )
    all_wards_team = make_team("INT-ALL", ward_codes=(), coverage="all")
    stockton_team = make_team("INT-STOCKTON", ward_codes=(), coverage="authority", lad_code="E06000004")
    people = dict(users)
    people["inspector_all"] = make_user("all@example.org", "inspector", teams=[all_wards_team])
    people["inspector_lad"] = make_user("lad@example.org", "inspector", teams=[stockton_team])
    people["officer_inspector"] = make_user(
        "both@example.org", "officer", "inspector", teams=[users["inspector"].teams[0]]
    )
    team_id = users["inspector"].teams[0].id
    categories = db.session.scalars(sa.select(Category.id).order_by(Category.id)).all()
    placed = picked + old_wards

    rows = []
    for _ in range(420):
        ward = rng.choice(placed) if rng.random() > 0.06 else None
        day = TODAY - timedelta(days=rng.randint(-3, 740))
        positioned = ward is not None and rng.random() > 0.15 or ward is None and rng.random() > 0.5
        lon, lat = (ward.label_lon if ward else -1.1, ward.label_lat if ward else 54.70) if positioned else (None, None)
        if positioned:
            lon, lat = lon + rng.uniform(-0.03, 0.03), lat + rng.uniform(-0.02, 0.02)
        rows.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
                "category_id": rng.choice(categories),
                "description": "generated",
                "lon": lon,
                "lat": lat,
                "location_source": "map" if positioned else "ward",
                "ward_id": ward.id if ward else None,
                "boundary_set_id": ward.boundary_set_id if ward else None,
                "needs_review": ward is None,
                "raised_at": utc(day, rng.randint(0, 23), rng.randint(0, 59)),
                "status": rng.choice(STATUSES),
                "is_demo": rng.random() < 0.2,
                "created_by_id": rng.choice([None, None, people["officer"].id, people["officer_inspector"].id]),
                "lead_team_id": team_id if rng.random() < 0.15 else None,
            }
        )
    # Core executemany: no ORM objects, as a bulk import would.
    db.session.execute(sa.insert(Concern), rows)
    copied = [r["id"] for r in rows if r["lead_team_id"] is None][:25]
    db.session.execute(sa.insert(concern_copy), [{"concern_id": c, "team_id": team_id} for c in copied])
    # And through the capture service, as the phones do (routing, audit, the ORM).
    for i in range(30):
        ward = rng.choice(picked)
        raise_concern(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
                "category": rng.choice(["drugs", "youth_asb", "speeding"]),
                "description": "via the service",
                "ward_code": ward.code,
                "raised_at": utc(TODAY - timedelta(days=rng.randint(0, 400))).isoformat(),
            },
            user=people["officer"] if i % 3 == 0 else None,
            is_demo=i % 5 == 0,
        )
    # Meetings: through the service and by plain inserts, one linked to two wards of one code.
    meeting_ids = []
    for i in range(40):
        ward = rng.choice(picked)
        made, _ = record_meeting(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
                "ward_codes": [ward.code, rng.choice(picked).code] if i % 7 == 0 else [ward.code],
                "date": (TODAY - timedelta(days=rng.randint(-20, 730))).isoformat(),
                "status": rng.choice(["held", "held", "held", "planned", "cancelled"]),
            },
            is_demo=i % 6 == 0,
        )
        meeting_ids.append(made.id)
    twice = str(uuid.UUID(int=rng.getrandbits(128)))
    db.session.execute(sa.insert(Meeting), [{"id": twice, "date": TODAY - timedelta(days=30), "status": "held"}])
    db.session.execute(
        sa.insert(meeting_ward),
        [{"meeting_id": twice, "ward_id": picked[2].id}, {"meeting_id": twice, "ward_id": old_wards[0].id}],
    )
    db.session.flush()
    return {
        "rng": rng,
        "people": people,
        "picked": picked,
        "old_wards": old_wards,
        "categories": categories,
        "meetings": meeting_ids + [twice],
        "team_id": team_id,
    }


def filters_for(categories_code: str) -> list[MapFilters]:
    periods = [
        (TODAY - timedelta(days=365), TODAY),
        (TODAY - timedelta(days=760), TODAY + timedelta(days=5)),
        (TODAY - timedelta(days=517), TODAY - timedelta(days=3)),
        (TODAY - timedelta(days=100),) * 2,
    ]
    shapes = [
        {},
        {"category": categories_code},
        {"status": "open"},
        {"status": "closed"},
        {"category": categories_code, "status": "open"},
        {"lad": "E06000002"},
        {"designation": "strengthen"},
        {"designation": "sustain", "status": "new"},
        {"lad": "E06000004", "category": categories_code},
        {"status": "*"},
        {"status": "nonsense"},
        {"category": "nonsense"},
    ]
    out = []
    for first, last in periods:
        for source in ("real", "demo"):
            for shape in shapes:
                out.append(MapFilters(first, last, source=source, **shape))
    return out


def assert_same_answers(
    world, scopes=("staff", "inspector", "officer", "inspector_all", "inspector_lad", "officer_inspector")
):
    """Every filter for staff (the rollup's main use), every fourth for the others."""
    boundary_set_id = current_boundary_set().id
    filters = filters_for("drugs")
    for name in scopes:
        scope = scope_for(world["people"][name])
        chosen = filters if name == "staff" else filters[::4]
        for f in chosen:
            assert ward_counts(f, scope, boundary_set_id) == ward_counts(f, scope, boundary_set_id, use_rollup=False), (
                name,
                f,
            )
            for zoom in ZOOMS if name == "staff" else (11,):
                fast = heat_cells(f, scope, boundary_set_id, zoom)
                direct = heat_cells(f, scope, boundary_set_id, zoom, use_rollup=False)
                assert fast == direct, (name, f, zoom)


def expected_rollups(db):
    """The rollup rows recounted in Python from the concerns and meetings."""
    concerns, meetings = Counter(), Counter()
    rows = db.session.execute(
        sa.select(
            Concern.is_demo,
            Concern.category_id,
            Concern.status,
            Concern.ward_id,
            Concern.lon,
            Concern.lat,
            Concern.raised_at,
        ).where(Concern.ward_id.isnot(None))
    ).all()
    for demo, category, status, ward, lon, lat, raised in rows:
        raised = raised if raised.tzinfo else raised.replace(tzinfo=UTC)
        day = rollup.day_number(raised.astimezone(UTC).date())
        for level in rollup.WARD_LEVELS:
            for c, s in ((category, status), (category, "*"), (0, status), (0, "*")):
                concerns[(bool(demo), 0, c, s, level, day >> level, ward, 0, 0)] += 1
        if lon is not None and lat is not None:
            cell = (math.floor((lon + 2.0) / 0.01), math.floor((lat - 54.0) / 0.01))
            for level in rollup.HEAT_LEVELS:
                concerns[(bool(demo), 11, category, status, level, day >> level, ward) + cell] += 1
                concerns[(bool(demo), 11, 0, "*", level, day >> level, 0) + cell] += 1
                concerns[(bool(demo), 11, 0, "*", level, day >> level, ward) + cell] += 1
    held = db.session.execute(
        sa.select(Meeting.id, Meeting.is_demo, Meeting.date, Ward.code)
        .distinct()
        .join(meeting_ward, meeting_ward.c.meeting_id == Meeting.id)
        .join(Ward, Ward.id == meeting_ward.c.ward_id)
        .where(Meeting.status == "held")
    ).all()
    for _, demo, day, code in held:
        for level in rollup.WARD_LEVELS:
            meetings[(bool(demo), level, rollup.day_number(day) >> level, code)] += 1
    return concerns, meetings


def assert_rollups_recount(db):
    concerns, meetings = expected_rollups(db)
    stored = {tuple(r[:-1]): r[-1] for r in db.session.execute(sa.select(rollup.concern_rollup)).all()}
    stored = {(bool(k[0]),) + k[1:]: n for k, n in stored.items()}
    assert stored == dict(concerns)  # also: no rows left at zero
    stored_meetings = {
        (bool(r[0]),) + tuple(r[1:-1]): r[-1] for r in db.session.execute(sa.select(rollup.meeting_rollup))
    }
    assert stored_meetings == dict(meetings)


def test_time_blocks_cover_each_day_once():
    rng = random.Random(3)
    for _ in range(300):
        first = date(2024, 1, 1) + timedelta(days=rng.randint(-800, 800))
        last = first + timedelta(days=rng.choice([0, 1, 3, 30, 365, 366, rng.randint(0, 1500)]))
        for levels in (rollup.WARD_LEVELS, rollup.HEAT_LEVELS):
            days = []
            for level, a, b in rollup.time_blocks(first, last, levels):
                assert level in levels
                for bucket in range(a, b + 1):
                    days.extend(range(bucket << level, (bucket + 1) << level))
            assert days == list(range(rollup.day_number(first), rollup.day_number(last) + 1))
    # A year is at most 21 blocks for ward totals and 14 for heat cells, however aligned.
    for levels, most in ((rollup.WARD_LEVELS, 21), (rollup.HEAT_LEVELS, 14)):
        for shift in range(512):
            last = date(2026, 11, 26) - timedelta(days=shift)
            year = rollup.time_blocks(last - timedelta(days=365), last, levels)
            assert sum(b - a + 1 for _, a, b in year) <= most


def test_triggers_are_in_place(app_ctx, db):
    assert rollup.missing_triggers() == []


def test_rollup_answers_match_direct_counts(world, db):
    assert_rollups_recount(db)
    assert_same_answers(world)


def test_rollup_follows_changes_and_bulk_sql(world, db):
    rng, picked, old_wards = world["rng"], world["picked"], world["old_wards"]
    ids = db.session.scalars(sa.select(Concern.id).order_by(Concern.id)).all()
    # Status changes through the workflow (ORM) and in bulk (SQL).
    for concern in db.session.scalars(sa.select(Concern).where(Concern.status == "new").limit(30)):
        change_status(concern, "acknowledged", "", None, "test")
    db.session.execute(
        sa.update(Concern).where(Concern.status == "action_taken", Concern.is_demo.is_(False)).values(status="closed")
    )
    # Moves: recategorised, relocated, unplaced, placed, flipped to demo, re-dated.
    for concern_id in rng.sample(ids, 40):
        concern = db.session.get(Concern, concern_id)
        choice = rng.randrange(6)
        if choice == 0:
            concern.category_id = rng.choice(world["categories"])
        elif choice == 1:
            ward = rng.choice(picked + old_wards)
            concern.ward_id, concern.boundary_set_id = ward.id, ward.boundary_set_id
        elif choice == 2:
            concern.ward_id, concern.needs_review = None, True
        elif choice == 3:
            concern.lon, concern.lat = (None, None) if concern.lon is not None else (-1.2345, 54.5742)
        elif choice == 4:
            concern.is_demo = not concern.is_demo
        else:
            concern.raised_at = utc(TODAY - timedelta(days=rng.randint(0, 700)))
    db.session.flush()
    # Concerns whose ward was null get one.
    db.session.execute(
        sa.update(Concern)
        .where(Concern.ward_id.is_(None), Concern.lon.isnot(None))
        .values(ward_id=picked[0].id, boundary_set_id=picked[0].boundary_set_id, needs_review=False)
    )
    assert_rollups_recount(db)
    assert_same_answers(world, scopes=("staff", "inspector", "officer"))

    # Deletions: through the ORM and in bulk.
    for concern_id in rng.sample(ids, 25):
        concern = db.session.get(Concern, concern_id)
        if concern is not None:
            db.session.delete(concern)
    db.session.flush()
    doomed = sa.select(Concern.id).where(Concern.category_id == world["categories"][0])
    db.session.execute(sa.delete(StatusChange).where(StatusChange.concern_id.in_(doomed)))
    db.session.execute(sa.delete(Concern).where(Concern.category_id == world["categories"][0]))
    # Bulk insert: INSERT ... SELECT copies of the youth concerns, as another category.
    youth = db.session.scalar(sa.select(Category.id).where(Category.code == "youth_asb"))
    # Another category than the source's, or the statement could read its own copies.
    target = next(c for c in world["categories"][1:] if c != youth)
    columns = [
        "id",
        "channel",
        "category_id",
        "description",
        "lon",
        "lat",
        "location_source",
        "ward_id",
        "boundary_set_id",
        "needs_review",
        "raised_at",
        "residents",
        "priority",
        "contact_consent",
        "status",
        "created_at",
        "updated_at",
        "version",
        "is_demo",
        "we_did",
    ]
    source = sa.select(
        # "zz" is no hex digit: a copy never takes the id of a concern already stored.
        sa.func.substr(Concern.id, 1, 34) + "zz",
        Concern.channel,
        sa.literal(target),
        Concern.description,
        Concern.lon,
        Concern.lat,
        Concern.location_source,
        Concern.ward_id,
        Concern.boundary_set_id,
        Concern.needs_review,
        Concern.raised_at,
        Concern.residents,
        Concern.priority,
        Concern.contact_consent,
        Concern.status,
        Concern.created_at,
        Concern.updated_at,
        Concern.version,
        Concern.is_demo,
        Concern.we_did,
    ).where(Concern.category_id == youth)
    db.session.execute(sa.insert(Concern).from_select(columns, source))
    # Meetings: cancelled, held after all, moved, flipped, unlinked, deleted (ORM and SQL).
    meetings = [db.session.get(Meeting, m) for m in world["meetings"]]
    meetings[0].status = "cancelled" if meetings[0].status == "held" else "held"
    meetings[1].date = meetings[1].date - timedelta(days=200)
    meetings[2].is_demo = not meetings[2].is_demo
    meetings[3].wards = []
    db.session.delete(meetings[4])
    db.session.flush()
    db.session.execute(sa.update(Meeting).where(Meeting.status == "planned").values(status="held"))
    db.session.execute(sa.delete(Meeting).where(Meeting.id == meetings[5].id))
    twice = world["meetings"][-1]
    db.session.execute(
        sa.delete(meeting_ward).where(meeting_ward.c.meeting_id == twice, meeting_ward.c.ward_id == old_wards[0].id)
    )
    assert_rollups_recount(db)
    db.session.execute(sa.delete(meeting_ward).where(meeting_ward.c.meeting_id == twice))
    assert_rollups_recount(db)
    assert_same_answers(world, scopes=("staff", "inspector", "inspector_lad"))


def test_rolled_back_changes_leave_the_rollup_as_it_was(world, db):
    before = expected_rollups(db)
    assert_rollups_recount(db)
    savepoint = db.session.begin_nested()
    db.session.execute(sa.delete(StatusChange))
    db.session.execute(sa.delete(concern_copy))
    db.session.execute(sa.delete(Concern))
    db.session.execute(sa.delete(Meeting))
    assert db.session.execute(sa.select(sa.func.count()).select_from(rollup.concern_rollup)).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(rollup.meeting_rollup)).scalar() == 0
    savepoint.rollback()
    assert expected_rollups(db) == before
    assert_rollups_recount(db)


def test_heat_cell_centres_hold_their_concerns(app_ctx, db):
    """Cells are numbered by floor on both engines (PostgreSQL's CAST rounds), so the
    centre reported for a cell is within half a cell of every concern in it."""
    lon, lat = -1.2320, 54.5742  # past the middle of their cells at zoom 12: rounding would show
    raise_concern(
        {
            "id": str(uuid.uuid4()),
            "category": "drugs",
            "description": "x",
            "lon": lon,
            "lat": lat,
            "raised_at": utc(TODAY - timedelta(days=2)).isoformat(),
        }
    )
    db.session.flush()
    f = MapFilters(TODAY - timedelta(days=365), TODAY)
    staff = scope_for(type("Staff", (), {"is_authenticated": True, "id": 1, "roles": {"staff"}, "teams": []})())
    for zoom in range(8, 18):
        for use_rollup in (True, False):
            cells = heat_cells(f, staff, current_boundary_set().id, zoom, use_rollup=use_rollup)
            [(y, x, n)] = cells["points"]
            half = cells["cell_degrees"] / 2 + 1e-5  # centres are rounded to 5 places
            assert n == 1 and abs(x - lon) <= half and abs(y - lat) <= half, (zoom, use_rollup, x, y)
