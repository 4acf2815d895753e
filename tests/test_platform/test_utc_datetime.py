"""Every timestamp column is a UTCDateTime: whatever the engine, a moment goes in with
its zone and comes back as the same moment in UTC; a moment without a zone is refused."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import StatementError

from engage.platform.audit import AuditEvent


def event(db, at):
    row = AuditEvent(at=at, actor="tester", action="create", entity="ward", entity_id="1")
    db.session.add(row)
    db.session.flush()
    return row.id


def test_a_moment_comes_back_aware_and_in_utc(db):
    summer = datetime(2026, 6, 17, 19, 30, tzinfo=ZoneInfo("Europe/London"))
    row_id = event(db, summer)
    db.session.expire_all()
    at = db.session.get(AuditEvent, row_id).at
    assert at == summer
    assert at.utcoffset() == timedelta(0) and at.hour == 18


def test_comparing_with_a_moment_in_another_zone_means_the_same_moment(db):
    row_id = event(db, datetime(2026, 6, 17, 18, 30, tzinfo=UTC))
    london_evening = datetime(2026, 6, 17, 19, 0, tzinfo=ZoneInfo("Europe/London"))  # 18:00 UTC
    found = db.session.scalars(sa.select(AuditEvent.id).where(AuditEvent.at > london_evening)).all()
    assert row_id in found
    assert (
        row_id
        not in db.session.scalars(
            sa.select(AuditEvent.id).where(AuditEvent.at < london_evening + timedelta(minutes=20))
        ).all()
    )


def test_a_naive_moment_is_refused_with_a_clear_error(db):
    with pytest.raises(StatementError, match="naive datetime"):
        event(db, datetime(2026, 6, 17, 18, 30))
    db.session.rollback()
