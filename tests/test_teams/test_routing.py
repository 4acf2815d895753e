"""The routing function against a table of cases, then routing as stored."""

import uuid

import pytest
import sqlalchemy as sa

from engage.concerns.capture import raise_concern
from engage.concerns.models import Category, ConcernRouting
from engage.geography.models import LocalAuthority, Ward
from engage.notify.models import OutboxMessage
from engage.teams.models import RoutingRule
from engage.teams.routing import (
    ConcernFacts,
    RerouteError,
    RuleSpec,
    reroute_concern,
    route,
)
from tests.conftest import make_team

W1, W2 = 101, 102  # two wards of authority A
A, B = 1, 2  # two authorities
FIRE, BIKES = 6, 1  # categories
INT_W1, INT_A, CFB, ENV, ASB = 11, 12, 13, 14, 15

COVERAGE = {W1: [INT_W1, INT_A], W2: [INT_A]}
RULES = [
    RuleSpec(1, lead_team_id=None, local_authority_id=A, category_id=FIRE, copy_team_ids=(CFB,)),
    RuleSpec(2, lead_team_id=ENV, category_id=7),  # fly-tipping anywhere
    RuleSpec(3, lead_team_id=ASB, ward_id=W2),  # anything in W2
    RuleSpec(4, lead_team_id=ENV, ward_id=W2, category_id=7),  # fly-tipping in W2
    RuleSpec(5, lead_team_id=INT_A, local_authority_id=B, category_id=BIKES, priority=1),
    RuleSpec(6, lead_team_id=ASB, local_authority_id=B, category_id=BIKES, priority=5),
]

CASES = [
    # (what, facts, lead, copies, routed_by, rule)
    ("fire in A: the ward's INT leads, fire brigade copied", ConcernFacts(W1, A, FIRE), INT_W1, (CFB,), "rule", 1),
    ("no rule: the covering INT", ConcernFacts(W1, A, BIKES), INT_W1, (), "coverage", None),
    ("anywhere + category", ConcernFacts(W1, A, 7), ENV, (), "rule", 2),
    ("ward rule beats authority rule", ConcernFacts(W2, A, FIRE), ASB, (), "rule", 3),
    ("ward + category beats ward + any", ConcernFacts(W2, A, 7), ENV, (), "rule", 4),
    ("tie broken by priority", ConcernFacts(None, B, BIKES), ASB, (), "rule", 6),
    ("outside every ward, no rule: triage", ConcernFacts(None, None, BIKES), None, (), "triage", None),
    ("ward with no INT and no rule: triage", ConcernFacts(999, B, FIRE), None, (), "triage", None),
    (
        "rule names the ward's INT but none covers: triage, copies kept",
        ConcernFacts(999, A, FIRE),
        None,
        (CFB,),
        "triage",
        1,
    ),
]


@pytest.mark.parametrize("what, facts, lead, copies, routed_by, rule", CASES, ids=[c[0] for c in CASES])
def test_route(what, facts, lead, copies, routed_by, rule):
    decision = route(facts, RULES, COVERAGE)
    assert (decision.lead_team_id, decision.copied_team_ids, decision.routed_by, decision.rule_id) == (
        lead,
        copies,
        routed_by,
        rule,
    )
    assert (decision.queue == "triage") == (lead is None)


def test_route_does_not_depend_on_rule_order():
    facts = ConcernFacts(W2, A, 7)
    assert route(facts, list(reversed(RULES)), COVERAGE) == route(facts, RULES, COVERAGE)


# --- stored routing -----------------------------------------------------------


def ward(db, code):
    return db.session.scalar(sa.select(Ward).where(Ward.code == code))


def save(db, category="off_road_bikes", **where):
    concern, _ = raise_concern({"id": str(uuid.uuid4()), "category": category, "description": "x", **where})
    db.session.commit()
    return concern


def test_a_concern_is_routed_when_stored_and_the_lead_team_is_emailed(app_ctx, db, team):
    concern = save(db, ward_code="E05009857")  # Central, covered by the test INT
    assert concern.lead_team.code == team.code and concern.routed_by == "coverage"
    history = db.session.scalars(sa.select(ConcernRouting).where(ConcernRouting.concern_id == concern.id)).all()
    assert len(history) == 1 and history[0].lead_team_id == team.id
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.concern_id == concern.id))
    assert message.recipient == team.contact_email and message.state == "pending"
    assert "Central" in message.subject and concern.id in message.body


def test_rule_with_copies_from_the_database(app_ctx, db, team):
    redcar = db.session.scalar(sa.select(LocalAuthority).where(LocalAuthority.code == "E06000003"))
    rc_int = make_team("INT-RC", ward_codes=(), coverage="authority", lad_code="E06000003")
    fire_brigade = make_team("CFB", ward_codes=(), kind="partner", coverage="all")
    fire = db.session.scalar(sa.select(Category).where(Category.code == "fire_setting"))
    db.session.add(RoutingRule(local_authority=redcar, category=fire, lead_team=None, copy_teams=[fire_brigade]))
    db.session.commit()
    concern = save(db, category="fire_setting", ward_code="E05001508")  # Eston
    assert concern.lead_team_id == rc_int.id and [t.code for t in concern.copied_teams] == ["CFB"]
    recipients = db.session.scalars(
        sa.select(OutboxMessage.recipient).where(OutboxMessage.concern_id == concern.id)
    ).all()
    assert sorted(recipients) == sorted([rc_int.contact_email, fire_brigade.contact_email])


def test_uncovered_and_outside_concerns_go_to_triage(db):
    outside = save(db, lon=-0.9, lat=54.75)
    assert outside.lead_team_id is None and outside.routed_by == "triage"
    nobody = save(db, ward_code="E05001552")  # Yarm: no team in the test data
    assert nobody.lead_team_id is None and nobody.routed_by == "triage"


def test_staff_can_reroute_with_a_reason_and_history_is_kept(app_ctx, db, team):
    concern = save(db, ward_code="E05009857")
    other = make_team("ASB-MBRO", ward_codes=(), kind="partner", coverage="authority")
    with pytest.raises(RerouteError):
        reroute_concern(concern, other, [], "  ", actor="staff@example.org")
    reroute_concern(concern, other, [team], "ASB team leads on repeat locations", actor="staff@example.org")
    db.session.commit()
    assert concern.lead_team_id == other.id and [t.code for t in concern.copied_teams] == [team.code]
    history = db.session.scalars(
        sa.select(ConcernRouting).where(ConcernRouting.concern_id == concern.id).order_by(ConcernRouting.id)
    ).all()
    assert [h.routed_by for h in history] == ["coverage", "manual"]
    assert history[1].reason == "ASB team leads on repeat locations" and history[1].actor == "staff@example.org"


def test_demo_concerns_never_email(db, team):
    concern, _ = raise_concern(
        {"id": str(uuid.uuid4()), "category": "drugs", "description": "x", "ward_code": "E05009857"}, is_demo=True
    )
    db.session.commit()
    assert concern.lead_team_id == team.id
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.concern_id == concern.id)) == 0
