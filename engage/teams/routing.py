"""Routing: which team leads on a concern and who is copied.

`route` is a pure function over plain values, so the rules are tested with a table
of cases; `route_concern` feeds it from the database and records the outcome.
A concern is never without an owner: when nothing matches it goes to triage.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from engage.concerns.models import Concern, ConcernRouting
from engage.extensions import db
from engage.geography.models import Ward
from engage.platform.db import utcnow
from engage.teams.models import RoutingRule, Team, team_ward


@dataclass(frozen=True)
class RuleSpec:
    id: int
    lead_team_id: int | None  # None: the ward's covering INT
    ward_id: int | None = None
    local_authority_id: int | None = None
    category_id: int | None = None
    copy_team_ids: tuple[int, ...] = ()
    priority: int = 0


@dataclass(frozen=True)
class ConcernFacts:
    ward_id: int | None
    local_authority_id: int | None
    category_id: int


@dataclass(frozen=True)
class RoutingDecision:
    lead_team_id: int | None
    copied_team_ids: tuple[int, ...] = ()
    routed_by: str = "triage"  # 'rule', 'coverage' or 'triage'
    rule_id: int | None = None
    reason: str = ""

    @property
    def queue(self) -> str | None:
        return "triage" if self.lead_team_id is None else None


def specificity(rule: RuleSpec) -> tuple[int, int, int, int]:
    area = 2 if rule.ward_id is not None else 1 if rule.local_authority_id is not None else 0
    category = 1 if rule.category_id is not None else 0
    # Lower id wins a full tie (the older rule), so the choice never depends on order.
    return (area, category, rule.priority, -rule.id)


def matches(rule: RuleSpec, facts: ConcernFacts) -> bool:
    if rule.category_id is not None and rule.category_id != facts.category_id:
        return False
    if rule.ward_id is not None:
        return rule.ward_id == facts.ward_id
    if rule.local_authority_id is not None:
        return rule.local_authority_id == facts.local_authority_id
    return True


def route(facts: ConcernFacts, rules: list[RuleSpec], coverage: dict[int, list[int]]) -> RoutingDecision:
    """`coverage` maps a ward id to the INTs covering it, in order of preference."""
    ward_int = (coverage.get(facts.ward_id) or [None])[0] if facts.ward_id is not None else None
    candidates = [r for r in rules if matches(r, facts)]
    if candidates:
        rule = max(candidates, key=specificity)
        lead = rule.lead_team_id if rule.lead_team_id is not None else ward_int
        copies = tuple(t for t in rule.copy_team_ids if t != lead)
        if lead is None:
            return RoutingDecision(None, copies, "triage", rule.id,
                                   f"rule {rule.id} names the ward's INT, but no INT covers this ward")
        return RoutingDecision(lead, copies, "rule", rule.id, f"rule {rule.id}")
    if ward_int is not None:
        return RoutingDecision(ward_int, (), "coverage", None, "the INT covering the ward")
    reason = "outside every ward" if facts.ward_id is None else "no rule matches and no INT covers the ward"
    return RoutingDecision(None, (), "triage", None, reason)


# --- the database side -------------------------------------------------------------

def rule_spec(r: RoutingRule) -> RuleSpec:
    return RuleSpec(r.id, r.lead_team_id, r.ward_id, r.local_authority_id, r.category_id,
                    tuple(t.id for t in r.copy_teams), r.priority)


def load_rules() -> list[RuleSpec]:
    rows = db.session.scalars(sa.select(RoutingRule).where(RoutingRule.is_active)).all()
    return [rule_spec(r) for r in rows]


def coverage_for(ward: Ward | None) -> dict[int, list[int]]:
    """INTs covering this ward: by ward list, or the whole of its authority, or all."""
    if ward is None:
        return {}
    listed = sa.select(team_ward.c.team_id).where(team_ward.c.ward_id == ward.id)
    teams = db.session.scalars(
        sa.select(Team).where(
            Team.kind == "int",
            sa.or_(
                Team.id.in_(listed),
                sa.and_(Team.coverage == "authority", Team.local_authority_id == ward.local_authority_id),
                Team.coverage == "all",
            ),
        )
        # A team that names the ward beats one covering the authority, then by code.
        .order_by(sa.case((Team.coverage == "wards", 0), (Team.coverage == "authority", 1), else_=2), Team.code)
    ).all()
    return {ward.id: [t.id for t in teams]}


def facts_for(concern: Concern) -> ConcernFacts:
    ward = concern.ward
    if ward is None and concern.ward_id is not None:
        ward = db.session.get(Ward, concern.ward_id)  # a new concern given its ward by id
    category_id = concern.category.id if concern.category is not None else concern.category_id
    return ConcernFacts(ward.id if ward else None, ward.local_authority_id if ward else None, category_id)


def apply_routing(concern: Concern, decision: RoutingDecision, routed_by: str | None = None,
                  reason: str | None = None, actor: str = "system", teams=None) -> ConcernRouting:
    """`teams` maps a team id to its Team in this session, when the caller has them."""
    concern.lead_team_id = decision.lead_team_id
    concern.routed_by = routed_by or decision.routed_by
    concern.routing_rule_id = decision.rule_id
    if teams is not None:
        copies = [teams[t] for t in decision.copied_team_ids]
    else:
        copies = db.session.scalars(sa.select(Team).where(Team.id.in_(decision.copied_team_ids))).all() \
            if decision.copied_team_ids else []
    concern.copied_teams = list(copies)
    record = ConcernRouting(
        concern=concern, routed_at=utcnow(), routed_by=routed_by or decision.routed_by,
        rule_id=decision.rule_id, lead_team_id=decision.lead_team_id,
        copied_team_codes=sorted(t.code for t in copies), reason=reason or decision.reason, actor=actor,
    )
    db.session.add(record)
    return record


def route_concern(concern: Concern, notify: bool = True, reference=None) -> ConcernRouting:
    """Route a newly stored concern and queue its notifications (same transaction);
    `notify=False` records the routing without e-mailing anyone (historical imports).

    `reference` (services/reference.py, read before the concern was added to the
    session) supplies the rules, coverage and teams from memory; without it they are
    queried."""
    from engage.notify.services import queue_routing_notifications
    from engage.teams.reference import attach, keep

    # No autoflush: a new concern is stored together with its routing in one flush.
    with db.session.no_autoflush:
        if reference is None:
            decision = route(facts_for(concern), load_rules(), coverage_for(concern.ward))
            record = apply_routing(concern, decision)
        else:
            facts = facts_for(concern)
            decision = route(facts, reference.rules, reference.coverage(facts.ward_id, facts.local_authority_id))
            # In the session (and kept) before they are named by id, so neither the
            # notifications nor the answer look them up.
            named = {decision.lead_team_id, *decision.copied_team_ids} - {None}
            teams = {t: attach(reference.teams.get(t)) or keep(db.session.get(Team, t)) for t in named}
            if decision.rule_id is not None:
                attach(reference.rule_rows.get(decision.rule_id))
            record = apply_routing(concern, decision, teams=teams)
        if notify:
            queue_routing_notifications(concern)
    return record


class RerouteError(ValueError):
    pass


def reroute_concern(concern: Concern, lead_team: Team | None, copy_teams: list[Team], reason: str,
                    actor: str) -> ConcernRouting:
    if not reason.strip():
        raise RerouteError("say why the concern is being re-routed")
    from engage.notify.services import queue_routing_notifications

    decision = RoutingDecision(lead_team.id if lead_team else None,
                               tuple(t.id for t in copy_teams if not lead_team or t.id != lead_team.id),
                               "manual", None, reason.strip())
    record = apply_routing(concern, decision, routed_by="manual", reason=reason.strip(), actor=actor)
    queue_routing_notifications(concern)
    return record
