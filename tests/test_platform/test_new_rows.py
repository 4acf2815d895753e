"""insert_new stores exactly what the unit of work would: the same concern, routing,
copies, e-mails and audit entry, and leaves the objects readable without a query."""
import uuid

import pytest
import sqlalchemy as sa

from engage.concerns.capture import raise_concern
from engage.concerns.models import Category, Concern, ConcernRouting
from engage.geography.models import LocalAuthority
from engage.notify.models import OutboxMessage
from engage.platform.audit import AuditEvent, acting_as
from engage.platform.new_rows import insert_new
from engage.teams.models import RoutingRule
from tests.conftest import TODAY, make_team

VOLATILE = {"id", "concern_id", "created_at", "updated_at", "routed_at", "next_attempt_at", "message_id", "at",
            "raised_at", "contact_consent_at"}


def store(db, write, **fields):
    body = {"id": str(uuid.uuid4()), "category": "fire_setting", "description": "Bins set alight behind the shops",
            "residents": 3, "priority": "high", "contact_consent": True, "contact_name": "A Resident",
            "contact_details": "01642 000000", **fields}
    with acting_as(None, "test"):
        concern, created = raise_concern(body)
        write(db.session)
        db.session.commit()
    assert created
    return concern.id


def rows(db, concern_id):
    def plain(table, where):
        found = [dict(r._mapping) for r in db.session.execute(sa.select(table).where(where))]
        for row in found:
            for key in VOLATILE & row.keys():
                row.pop(key)
            for key, value in row.items():
                if isinstance(value, str):
                    row[key] = value.replace(concern_id, "<id>")
        return sorted(found, key=repr)

    copy = sa.Table("concern_copy", db.metadata, autoload_with=db.engine) if "concern_copy" not in db.metadata.tables \
        else db.metadata.tables["concern_copy"]
    audit = plain(AuditEvent.__table__, (AuditEvent.entity == "concern") & (AuditEvent.entity_id == concern_id))
    for entry in audit:
        entry["changes"] = {k: v for k, v in entry["changes"].items() if k not in VOLATILE}
    return {
        "concern": plain(Concern.__table__, Concern.id == concern_id),
        "routing": plain(ConcernRouting.__table__, ConcernRouting.concern_id == concern_id),
        "copies": sorted(t for (_c, t) in db.session.execute(sa.select(copy).where(copy.c.concern_id == concern_id))),
        "outbox": plain(OutboxMessage.__table__, OutboxMessage.concern_id == concern_id),
        "audit": audit,
    }


@pytest.fixture
def copying_rule(app_ctx, db, team):
    """Fire setting in Middlesbrough: led by the ward's INT, the fire brigade copied in."""
    fire_brigade = make_team("CFB", ward_codes=(), kind="partner", coverage="all")
    middlesbrough = db.session.scalar(sa.select(LocalAuthority).where(LocalAuthority.code == "E06000002"))
    fire = db.session.scalar(sa.select(Category).where(Category.code == "fire_setting"))
    db.session.add(RoutingRule(local_authority=middlesbrough, category=fire, lead_team=None, copy_teams=[fire_brigade]))
    db.session.commit()
    return fire_brigade


@pytest.mark.parametrize("where", [{"ward_code": "E05009857"}, {"lon": -1.2345, "lat": 54.5742},
                                   {"lon": -0.9, "lat": 54.75}, {"grid_ref": "NZ 49 20"}])
def test_the_same_rows_as_the_unit_of_work(db, copying_rule, where):
    by_flush = rows(db, store(db, lambda session: session.flush(), **where))
    quick = rows(db, store(db, insert_new, **where))
    assert quick == by_flush
    assert by_flush["concern"] and by_flush["routing"] and by_flush["audit"]


def test_copies_and_emails_are_written(db, copying_rule, team):
    stored = rows(db, store(db, insert_new, ward_code="E05009857"))
    assert stored["copies"] == [copying_rule.id]
    assert sorted(m["recipient"] for m in stored["outbox"]) == sorted([team.contact_email, copying_rule.contact_email])
    # Contact details are stored (with consent) but never audited.
    assert stored["concern"][0]["contact_name"] == "A Resident"
    assert "contact_name" not in stored["audit"][0]["changes"]


def test_answered_from_the_objects_without_a_query(app_ctx, db, copying_rule):
    from engage.concerns.serialise import concern_json

    body = {"id": str(uuid.uuid4()), "category": "fire_setting", "description": "x", "ward_code": "E05009857"}
    concern, _ = raise_concern(body)
    insert_new(db.session)
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        answer = concern_json(concern, True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert answer["ward_code"] == "E05009857" and answer["category"] == "fire_setting"
    assert statements == []
    assert not db.session.dirty and not db.session.new  # nothing left for a flush to do
    db.session.commit()


def test_anything_else_pending_goes_through_the_flush(app_ctx, db, team):

    from engage.concerns.models import Meeting

    meeting = Meeting(id=str(uuid.uuid4()), date=TODAY, status="planned")
    db.session.add(meeting)
    insert_new(db.session)  # not one of its kinds: flushed as usual
    assert db.session.get(Meeting, meeting.id) is meeting and meeting not in db.session.new
    db.session.rollback()
