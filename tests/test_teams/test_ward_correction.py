"""Staff correct a concern's ward in triage (engage/teams/routing.py `correct_ward`): it
moves to the new ward, is routed again by the rules there, and the change is kept in
its routing history and the audit trail; the map's rollup counts follow it."""

import uuid

import pytest
import sqlalchemy as sa

from engage.concerns.capture import raise_concern
from engage.concerns.models import ConcernRouting
from engage.geography.boundaries import current_boundary_set, find_ward
from engage.maps import rollup, rollup_check
from engage.notify.models import OutboxMessage
from engage.platform.audit import AuditEvent, acting_as
from engage.teams.routing import WardCorrectionError, correct_ward
from tests.conftest import make_team

CENTRAL = "E05009857"  # INT-TEST's
YARM = "E05001552"  # Stockton-on-Tees


@pytest.fixture
def stockton(app_ctx):
    return make_team("INT-STOCK", ward_codes=(YARM,), lad_code="E06000004")


def concern_in(db, ward_code=None, **extra):
    body = {"id": str(uuid.uuid4()), "category": "speeding", "description": "Cars too fast"} | extra
    if ward_code:
        body["ward_code"] = ward_code
    concern, _ = raise_concern(body)
    db.session.commit()
    return concern


def ward_total(db, ward_id):
    r = rollup.concern_rollup
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(r.c.n), 0)).where(
            r.c.ward_id == ward_id,
            r.c.zoom == rollup.WARD_ZOOM,
            r.c.category_id == rollup.ALL_CATEGORIES,
            r.c.status == rollup.ALL_STATUSES,
            r.c.level == 0,
        )
    )


def test_a_corrected_ward_reroutes_by_the_rules_and_is_kept_in_the_history(db, team, stockton):
    concern = concern_in(db, CENTRAL)
    assert concern.lead_team_id == team.id
    central, yarm = (find_ward(current_boundary_set(), code) for code in (CENTRAL, YARM))
    assert (ward_total(db, central.id), ward_total(db, yarm.id)) == (1, 0)

    with acting_as(7, "staff@example.org"):
        record = correct_ward(concern, yarm, "staff@example.org", note="the street is in Yarm")
        db.session.commit()

    assert concern.ward_id == yarm.id and concern.lead_team_id == stockton.id
    assert concern.location_source == "ward" and not concern.needs_review
    routings = db.session.scalars(
        sa.select(ConcernRouting).where(ConcernRouting.concern_id == concern.id).order_by(ConcernRouting.id)
    ).all()
    assert routings[-1] == record and len(routings) == 2
    assert record.reason.startswith("ward corrected from Central to Yarm by staff@example.org (the street is in Yarm)")
    assert record.routed_by == "coverage" and record.actor == "staff@example.org"
    told = db.session.scalars(sa.select(OutboxMessage.recipient).where(OutboxMessage.concern_id == concern.id)).all()
    assert sorted(told) == sorted([team.contact_email, stockton.contact_email])  # first routing, then the new lead
    audited = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.entity == "concern", AuditEvent.entity_id == concern.id, AuditEvent.action == "update"
        )
    ).all()
    assert any(e.changes.get("ward_id") == [central.id, yarm.id] and e.actor == "staff@example.org" for e in audited)
    # The map's counts moved with it, kept by the database's triggers.
    assert (ward_total(db, central.id), ward_total(db, yarm.id)) == (0, 1)
    assert rollup_check.check().ok


def test_a_ward_no_team_covers_sends_it_to_triage(app_ctx, db, team):
    concern = concern_in(db, CENTRAL)
    yarm = find_ward(current_boundary_set(), YARM)
    record = correct_ward(concern, yarm, "staff@example.org")
    assert concern.lead_team_id is None and record.routed_by == "triage"
    assert "ward corrected from Central to Yarm" in record.reason


def test_an_unplaced_concern_gets_its_first_ward(app_ctx, db, team):
    concern = concern_in(db)  # no place, no meeting: triage, needs review
    assert concern.ward_id is None and concern.needs_review and concern.lead_team_id is None
    central = find_ward(current_boundary_set(), CENTRAL)
    record = correct_ward(concern, central, "staff@example.org")
    db.session.commit()
    assert concern.lead_team_id == team.id and not concern.needs_review
    assert record.reason.startswith("ward corrected from no ward to Central")


def test_the_same_ward_or_none_is_refused(app_ctx, db, team):
    concern = concern_in(db, CENTRAL)
    with pytest.raises(WardCorrectionError, match="already in Central"):
        correct_ward(concern, concern.ward, "staff@example.org")
    with pytest.raises(WardCorrectionError, match="choose the ward"):
        correct_ward(concern, None, "staff@example.org")
