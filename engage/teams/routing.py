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
from engage.notify.services import queue_routing_notifications
from engage.platform.db import utcnow
from engage.teams.coverage import ints_covering
from engage.teams.models import RoutingRule, Team


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
            return RoutingDecision(
                None, copies, "triage", rule.id, f"rule {rule.id} names the ward's INT, but no INT covers this ward"
            )
        return RoutingDecision(lead, copies, "rule", rule.id, f"rule {rule.id}")
    if ward_int is not None:
        return RoutingDecision(ward_int, (), "coverage", None, "the INT covering the ward")
    reason = "outside every ward" if facts.ward_id is None else "no rule matches and no INT covers the ward"
    return RoutingDecision(None, (), "triage", None, reason)


# --- the database side -------------------------------------------------------------


def rule_spec(r: RoutingRule) -> RuleSpec:
    return RuleSpec(
        r.id,
        r.lead_team_id,
        r.ward_id,
        r.local_authority_id,
        r.category_id,
        tuple(t.id for t in r.copy_teams),
        r.priority,
    )


def load_rules() -> list[RuleSpec]:
    rows = db.session.scalars(sa.select(RoutingRule).where(RoutingRule.is_active)).all()
    return [rule_spec(r) for r in rows]


def coverage_for(ward: Ward | None) -> dict[int, list[int]]:
    """The INTs covering this ward, the preferred first (services/coverage.py)."""
    if ward is None:
        return {}
    return {ward.id: list(db.session.scalars(ints_covering(ward.id, ward.local_authority_id)))}


def facts_for(concern: Concern) -> ConcernFacts:
    ward = concern.ward
    if ward is None and concern.ward_id is not None:
        ward = db.session.get(Ward, concern.ward_id)  # a new concern given its ward by id
    category_id = concern.category.id if concern.category is not None else concern.category_id
    return ConcernFacts(ward.id if ward else None, ward.local_authority_id if ward else None, category_id)


def apply_routing(
    concern: Concern,
    decision: RoutingDecision,
    routed_by: str | None = None,
    reason: str | None = None,
    actor: str = "system",
) -> ConcernRouting:
    concern.lead_team_id = decision.lead_team_id
    # The relationship too: one loaded before (the old lead) would otherwise be told.
    concern.lead_team = db.session.get(Team, decision.lead_team_id) if decision.lead_team_id is not None else None
    concern.routed_by = routed_by or decision.routed_by
    concern.routing_rule_id = decision.rule_id
    copies = (
        db.session.scalars(sa.select(Team).where(Team.id.in_(decision.copied_team_ids))).all()
        if decision.copied_team_ids
        else []
    )
    concern.copied_teams = list(copies)
    record = ConcernRouting(
        concern=concern,
        routed_at=utcnow(),
        routed_by=routed_by or decision.routed_by,
        rule_id=decision.rule_id,
        lead_team_id=decision.lead_team_id,
        copied_team_codes=sorted(t.code for t in copies),
        reason=reason or decision.reason,
        actor=actor,
    )
    db.session.add(record)
    return record


def route_concern(concern: Concern, notify: bool = True) -> ConcernRouting:
    """Route a newly stored concern and queue its notifications (same transaction);
    `notify=False` records the routing without e-mailing anyone (historical imports)."""
    # No autoflush: a new concern is stored together with its routing in one flush.
    with db.session.no_autoflush:
        facts = facts_for(concern)
        ward = db.session.get(Ward, facts.ward_id) if facts.ward_id is not None else None
        record = apply_routing(concern, route(facts, load_rules(), coverage_for(ward)))
        if notify:
            queue_routing_notifications(concern)
    return record


class RerouteError(ValueError):
    pass


def reroute_concern(
    concern: Concern, lead_team: Team | None, copy_teams: list[Team], reason: str, actor: str
) -> ConcernRouting:
    if not reason.strip():
        raise RerouteError("say why the concern is being re-routed")
    decision = RoutingDecision(
        lead_team.id if lead_team else None,
        tuple(t.id for t in copy_teams if not lead_team or t.id != lead_team.id),
        "manual",
        None,
        reason.strip(),
    )
    record = apply_routing(concern, decision, routed_by="manual", reason=reason.strip(), actor=actor)
    queue_routing_notifications(concern)
    return record


class WardCorrectionError(ValueError):
    pass


def correct_ward(concern: Concern, ward: Ward, actor: str, note: str = "") -> ConcernRouting:
    """Staff put a concern in another ward (triage: placed wrongly, or not at all): it is
    routed again by the rules for the new ward, as a new concern there would be, and the
    routing row says what was corrected, by whom. The point, if one was given, is kept
    as recorded; the ward is now a person's choice, so `location_source` says 'ward'.
    The audit trail records the changed columns (the concern is audited) and the rollup
    triggers move its counts to the new ward in the same transaction."""
    if ward is None:
        raise WardCorrectionError("choose the ward the concern is in")
    if ward.id == concern.ward_id:
        raise WardCorrectionError(f"the concern is already in {ward.name}")
    before = concern.ward.name if concern.ward is not None else "no ward"
    concern.ward, concern.ward_id = ward, ward.id
    concern.boundary_set_id = ward.boundary_set_id
    concern.location_source = "ward"
    concern.needs_review = False
    decision = route(facts_for(concern), load_rules(), coverage_for(ward))
    reason = f"ward corrected from {before} to {ward.name} by {actor}"
    if note.strip():
        reason += f" ({note.strip()})"
    record = apply_routing(concern, decision, reason=f"{reason}; {decision.reason}", actor=actor)
    queue_routing_notifications(concern)
    return record
