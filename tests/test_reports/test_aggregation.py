"""Every report figure against a direct database query on a generated data set."""

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from engage.concerns.capture import raise_concern, record_meeting
from engage.concerns.models import Concern
from engage.concerns.workflow import change_status
from engage.geography.models import Ward
from engage.reports import aggregation as agg
from engage.reports.aggregation import Period

PERIOD = Period(date(2026, 4, 1), date(2026, 6, 30))
CATEGORIES = ["off_road_bikes", "youth_asb", "visible_policing", "drugs", "speeding"]


@pytest.fixture
def dataset(app_ctx, db):
    rng = random.Random(7)
    wards = db.session.scalars(sa.select(Ward.code).order_by(Ward.code)).all()
    for i in range(60):
        day = date(2026, 1, 1) + timedelta(days=rng.randint(0, 200))
        kind = "your_force_your_voice" if i % 4 else "residents_association"
        status = "planned" if day > date(2026, 6, 1) and i % 5 == 0 else "held"
        meeting_id = str(uuid.uuid4())
        record_meeting(
            {
                "id": meeting_id,
                "kind": kind,
                "ward_codes": [rng.choice(wards)],
                "date": day.isoformat(),
                "venue": f"Hall {i}",
                "status": status,
                "attendance": rng.randint(5, 40) if i % 7 else None,
            }
        )
        if status != "held":
            continue
        for k in range(rng.randint(0, 4)):
            concern, _ = raise_concern(
                {
                    "id": str(uuid.uuid4()),
                    "meeting_id": meeting_id,
                    "category": rng.choice(CATEGORIES),
                    "description": "generated",
                    "residents": rng.randint(1, 3),
                    "raised_at": datetime.combine(day, time(19, k), tzinfo=UTC).isoformat(),
                }
            )
            if k % 2 == 0 and concern.lead_team_id is None:
                pass
            if k == 0:
                change_status(
                    concern,
                    "acknowledged",
                    "",
                    None,
                    "test",
                    at=datetime.combine(day + timedelta(days=3), time(9), tzinfo=UTC),
                )
            if k == 1:
                change_status(
                    concern,
                    "action_taken",
                    "Patrols increased",
                    None,
                    "test",
                    at=datetime.combine(day + timedelta(days=10), time(9), tzinfo=UTC),
                )
    # Demo rows must never be counted in real figures.
    record_meeting(
        {"id": str(uuid.uuid4()), "ward_codes": [wards[0]], "date": "2026-05-05", "attendance": 999}, is_demo=True
    )
    db.session.commit()


def sql(db, text, **params):
    return db.session.execute(sa.text(text), params).scalar()


def test_meeting_figures(dataset, db):
    meetings = agg.held_meetings(PERIOD, "real")
    direct = sql(
        db,
        "SELECT count(*) FROM meeting WHERE kind = 'your_force_your_voice' AND status = 'held' "
        "AND date BETWEEN :a AND :b AND NOT is_demo",
        a=PERIOD.start,
        b=PERIOD.end,
    )
    assert len(meetings) == direct > 0
    residents = sql(
        db,
        "SELECT coalesce(sum(attendance), 0) FROM meeting WHERE kind = 'your_force_your_voice' "
        "AND status = 'held' AND date BETWEEN :a AND :b AND NOT is_demo",
        a=PERIOD.start,
        b=PERIOD.end,
    )
    assert sum(m.attendance or 0 for m in meetings) == residents
    by_la = agg.meetings_by_authority(meetings)
    assert sum(a.meetings for a in by_la) == direct  # one ward per meeting here
    since = sql(
        db,
        "SELECT count(*) FROM meeting WHERE kind = 'your_force_your_voice' AND status = 'held' "
        "AND date <= :b AND NOT is_demo",
        b=PERIOD.end,
    )
    assert agg.meetings_since(date(2012, 11, 22), PERIOD.end, "real") == since
    future = sql(
        db, "SELECT count(*) FROM meeting WHERE status = 'planned' AND date > :b AND NOT is_demo", b=PERIOD.end
    )
    assert len(agg.future_meetings(PERIOD.end, "real")) == future


def test_theme_figures_and_change(dataset, db):
    lo, hi = PERIOD.moments()
    rows = {t.code: t for t in agg.themes(PERIOD, "real")}
    for code in CATEGORIES:
        direct = sql(
            db,
            "SELECT count(*) FROM concern c JOIN category k ON k.id = c.category_id WHERE k.code = :c "
            "AND c.raised_at BETWEEN :lo AND :hi AND NOT c.is_demo",
            c=code,
            lo=lo,
            hi=hi,
        )
        assert (rows[code].count if code in rows else 0) == direct
    prev_lo, prev_hi = PERIOD.previous().moments()
    for code, row in rows.items():
        before = sql(
            db,
            "SELECT count(*) FROM concern c JOIN category k ON k.id = c.category_id WHERE k.code = :c "
            "AND c.raised_at BETWEEN :lo AND :hi AND NOT c.is_demo",
            c=code,
            lo=prev_lo,
            hi=prev_hi,
        )
        assert row.previous == before
    assert PERIOD.previous() == Period(date(2025, 12, 31), date(2026, 3, 31))


def test_outcome_figures(dataset, db):
    lo, hi = PERIOD.moments()
    o = agg.outcomes(PERIOD, "real")
    where = "raised_at BETWEEN :lo AND :hi AND NOT is_demo"
    assert o.raised == sql(db, f"SELECT count(*) FROM concern WHERE {where}", lo=lo, hi=hi)
    assert o.actioned == sql(
        db, f"SELECT count(*) FROM concern WHERE {where} AND status IN ('action_taken', 'closed')", lo=lo, hi=hi
    )
    assert o.open == sql(
        db,
        f"SELECT count(*) FROM concern WHERE {where} AND status IN ('new', 'acknowledged', 'in_progress')",
        lo=lo,
        hi=hi,
    )
    pairs = db.session.execute(
        sa.select(Concern.raised_at, Concern.first_action_at).where(
            Concern.raised_at.between(lo, hi), ~Concern.is_demo, Concern.first_action_at.isnot(None)
        )
    ).all()
    waits = sorted(((b.replace(tzinfo=None) - a.replace(tzinfo=None)).total_seconds() / 86400) for a, b in pairs)
    middle = len(waits) // 2
    expected = waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2
    assert o.median_days_to_first_action == round(expected, 1)


def test_coverage(dataset, db):
    from engage.reports.visits import plan

    rows = plan(PERIOD, "real", today=date(2026, 7, 1))
    assert len(rows) == 79
    visited = sql(
        db,
        "SELECT count(DISTINCT w.code) FROM meeting m JOIN meeting_ward mw ON mw.meeting_id = m.id "
        "JOIN ward w ON w.id = mw.ward_id WHERE m.kind = 'your_force_your_voice' AND m.status = 'held' "
        "AND m.date BETWEEN :a AND :b AND NOT m.is_demo",
        a=PERIOD.start,
        b=PERIOD.end,
    )
    assert sum(r.visited for r in rows) == visited
    never = [r for r in rows if r.last_meeting is None]
    assert all(r.overdue for r in never)
