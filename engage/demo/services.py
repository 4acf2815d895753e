"""Sample configuration to try the app with: invented teams, routing rules and
designations, every row marked as sample (Team.is_demo, RoutingRule.is_demo,
WardDesignation.is_sample) so it is labelled
wherever it shows and `clear_demo` can take out exactly what `load_demo` put in.

Each kind of sample data is a step with a load and a clear function in STEPS;
meetings and concerns add theirs after the teams. `load_demo` runs the steps in
order, `clear_demo` in reverse (later data points at earlier data). Loading twice
changes nothing the second time. The caller commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from engage.concerns.models import Concern, ConcernRouting, concern_copy
from engage.demo.activity import clear_demo_activity, load_demo_activity
from engage.demo.consultation import clear_demo_consultation, load_demo_consultation
from engage.demo.section59 import clear_demo_section59, load_demo_section59
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.designations import DesignationImportError, import_designations
from engage.geography.models import WardDesignation
from engage.records.demo import clear_demo_months, load_demo_months
from engage.teams.models import RoutingRule, Team, routing_rule_copy
from engage.teams.routing import RoutingDecision, apply_routing
from engage.teams.rules import (
    Lookups,
    RuleDraft,
    apply_rule,
    check_rule,
    rule_differs,
    rule_for_scope,
)
from engage.teams.services import (
    Geography,
    TeamSpec,
    apply_team,
    check_team,
    remove_team,
    team_differs,
)

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"

SAMPLE_DESIGNATIONS = DEMO_DATA / "designations-sample.csv"

# Short codes for the four Cleveland unitary authorities.
AUTHORITY_SHORT = {"E06000001": "HPL", "E06000002": "MBRO", "E06000003": "RC", "E06000004": "STK"}

# One council partner per authority: its anti-social behaviour or environment team.
COUNCIL_PARTNERS = {
    "E06000001": "Hartlepool Borough Council Community Safety Team",
    "E06000002": "Middlesbrough Council Environment Services",
    "E06000003": "Redcar and Cleveland Council Anti-social Behaviour Team",
    "E06000004": "Stockton-on-Tees Borough Council Environmental Health",
}


class DemoError(RuntimeError):
    pass


@dataclass
class Step:
    name: str
    load: Callable[[], list[str]]  # returns lines saying what it did
    clear: Callable[[], list[str]]


def demo_team_specs(geography: Geography) -> list[TeamSpec]:
    specs = []
    by_authority: dict[str, list[str]] = {}
    for ward in geography.wards.values():
        by_authority.setdefault(ward.local_authority.code, []).append(ward.code)
    for lad_code, ward_codes in sorted(by_authority.items()):
        authority = geography.authorities[lad_code]
        short = AUTHORITY_SHORT.get(lad_code, lad_code)
        slug = short.lower()
        specs.append(
            TeamSpec(
                code=f"INT-{short}",
                name=f"{authority.name} Integrated Neighbourhood Team",
                kind="int",
                lad_code=lad_code,
                contact_email=f"int-{slug}@example.org",
                coverage="wards",
                ward_codes=tuple(sorted(ward_codes)),
                is_demo=True,
            )
        )
        specs.append(
            TeamSpec(
                code=f"COUNCIL-{short}",
                name=COUNCIL_PARTNERS.get(lad_code, f"{authority.name} Council ASB Team"),
                kind="partner",
                lad_code=lad_code,
                contact_email=f"asb-{slug}@example.org",
                coverage="authority",
                is_demo=True,
            )
        )
    specs.append(
        TeamSpec(
            code="CFB",
            name="Cleveland Fire Brigade",
            kind="partner",
            contact_email="community-safety@example.org",
            coverage="all",
            is_demo=True,
        )
    )
    if "E06000002" in by_authority:
        specs.append(
            TeamSpec(
                code="YOUTH-MBRO",
                name="Middlesbrough Youth Service",
                kind="partner",
                lad_code="E06000002",
                contact_email="youth-mbro@example.org",
                coverage="authority",
                is_demo=True,
            )
        )
    return specs


def load_demo_teams() -> list[str]:
    """One INT per authority covering its wards in the current set, plus partners.
    A real (non-sample) team already using a demo code is left alone."""
    geography = Geography.current()
    if not geography.wards:
        raise DemoError("no boundary set imported yet: run `flask --app engage wards import-default`")
    created = updated = 0
    skipped = []
    for spec in demo_team_specs(geography):
        problems = check_team(spec, geography)
        if problems:  # the demo's own data: a programming error, not user input
            raise DemoError(f"demo team {spec.code}: {problems}")
        team = db.session.scalar(sa.select(Team).where(Team.code == spec.code))
        if team is not None and not team.is_demo:
            skipped.append(spec.code)
            continue
        if team is None:
            apply_team(Team(), spec, geography)
            created += 1
        elif team_differs(team, spec, geography):
            apply_team(team, spec, geography)
            updated += 1
    lines = [f"Sample teams: {created} created, {updated} updated."]
    if skipped:
        lines.append(f"Left alone real teams with the codes {', '.join(skipped)}.")
    return lines


def clear_demo_teams() -> list[str]:
    teams = db.session.scalars(sa.select(Team).where(Team.is_demo)).all()
    _refuse_if_real_rules_name(teams)
    moved = _send_real_concerns_to_triage(teams)
    for team in teams:
        remove_team(team)
    lines = [f"Sample teams: {len(teams)} removed."]
    if moved:
        lines.append(f"{moved} real concerns routed to sample teams went to the OPCC triage queue.")
    return lines


def _send_real_concerns_to_triage(teams: list[Team]) -> int:
    """Real concerns captured while only the sample teams existed keep an owner: the
    triage queue, with the reason recorded in their routing history."""

    ids = [t.id for t in teams]
    if not ids:
        return 0
    copied = sa.select(concern_copy.c.concern_id).where(concern_copy.c.team_id.in_(ids))
    concerns = db.session.scalars(
        sa.select(Concern).where(~Concern.is_demo, sa.or_(Concern.lead_team_id.in_(ids), Concern.id.in_(copied)))
    ).all()

    for team in teams:
        # History keeps saying which sample team it was, as text: the row is going.
        db.session.execute(
            sa.update(ConcernRouting)
            .where(ConcernRouting.lead_team_id == team.id)
            .values(
                lead_team_id=None, reason=ConcernRouting.reason + f" (lead: sample team {team.code}, since removed)"
            )
        )
    for concern in concerns:
        lead = concern.lead_team_id if concern.lead_team_id not in ids else None
        copies = tuple(t.id for t in concern.copied_teams if t.id not in ids)
        apply_routing(
            concern,
            RoutingDecision(lead, copies, "manual", None, "sample teams removed"),
            routed_by="manual" if lead else "triage",
            reason="sample teams removed by demo clear",
        )
    db.session.flush()
    return len(concerns)


def _refuse_if_real_rules_name(teams: list[Team]) -> None:
    ids = [t.id for t in teams]
    if not ids:
        return
    copying = sa.select(routing_rule_copy.c.rule_id).where(routing_rule_copy.c.team_id.in_(ids))
    real = db.session.scalars(
        sa.select(RoutingRule.id)
        .where(~RoutingRule.is_demo, sa.or_(RoutingRule.lead_team_id.in_(ids), RoutingRule.id.in_(copying)))
        .order_by(RoutingRule.id)
    ).all()
    if real:
        raise DemoError(
            f"real routing rules name sample teams ({', '.join(f'#{i}' for i in real)}): "
            "change them at /admin/routing to name other teams first. Nothing was removed."
        )


# ---- sample routing rules ------------------------------------------------------

DEMO_RULE_EDITOR = "demo load"


def demo_rule_drafts() -> list[RuleDraft]:
    """Fire setting in Redcar and Cleveland: the ward's INT, the fire brigade copied;
    fly-tipping in each authority: that council's team; off-road bikes in
    Middlesbrough: the ward's INT, the youth service copied."""
    drafts = [
        RuleDraft(
            lad_code="E06000003",
            category_code="fire_setting",
            copy_team_codes=("CFB",),
            note="Sample: joint patrols with the fire brigade on deliberate fires.",
        )
    ]
    for lad_code, short in sorted(AUTHORITY_SHORT.items()):
        drafts.append(
            RuleDraft(
                lad_code=lad_code,
                category_code="fly_tipping",
                lead_team_code=f"COUNCIL-{short}",
                note="Sample: the council clears and enforces fly-tipping.",
            )
        )
    drafts.append(
        RuleDraft(
            lad_code="E06000002",
            category_code="off_road_bikes",
            copy_team_codes=("YOUTH-MBRO",),
            note="Sample: the youth service works with young riders.",
        )
    )
    for draft in drafts:
        draft.is_demo = True
    return drafts


def load_demo_rules() -> list[str]:
    """After the sample teams. A rule whose authority, category or teams are missing
    here is skipped, and a real rule for the same area and category is left alone."""
    lookups = Lookups.load()
    created = updated = 0
    skipped, left_alone = [], []
    for draft in demo_rule_drafts():
        what = f"{draft.category_code} in {draft.lad_code}"
        existing = None
        problems, resolved = check_rule(draft, lookups)
        if list(problems) == ["scope"]:
            existing = rule_for_scope(resolved.ward, resolved.authority, resolved.category)
            if not existing.is_demo:
                left_alone.append(f"#{existing.id}")
                continue
            problems, resolved = check_rule(draft, lookups, rule=existing)
        if problems:
            skipped.append(what)
            continue
        if existing is None:
            apply_rule(RoutingRule(), draft, resolved, DEMO_RULE_EDITOR)
            created += 1
        elif rule_differs(existing, draft, resolved):
            apply_rule(existing, draft, resolved, DEMO_RULE_EDITOR)
            updated += 1
    lines = [f"Sample routing rules: {created} created, {updated} updated."]
    if left_alone:
        lines.append(f"Left alone real routing rules {', '.join(left_alone)} for the same area and category.")
    if skipped:
        lines.append(f"Skipped sample rules whose area, category or teams are missing: {', '.join(skipped)}.")
    return lines


def clear_demo_rules() -> list[str]:
    rules = db.session.scalars(sa.select(RoutingRule).where(RoutingRule.is_demo)).all()
    for rule in rules:
        db.session.delete(rule)
    return [f"Sample routing rules: {len(rules)} removed."]


def _sample_designations():
    # Only rows the demo file put there: a sample file imported by hand stays.
    return sa.select(WardDesignation).where(
        WardDesignation.is_sample, WardDesignation.source.like(f"%{SAMPLE_DESIGNATIONS.name}")
    )


def load_sample_designations() -> list[str]:
    boundary_set = current_boundary_set()
    real = db.session.scalar(
        sa.select(sa.func.count()).select_from(WardDesignation).where(WardDesignation.is_sample.is_(False))
    )
    if real:
        # Sample rows beside real ones would mislead, and could overwrite one.
        return [f"Sample designations: not loaded, {real} real designations are recorded."]
    try:
        result = import_designations(str(SAMPLE_DESIGNATIONS), boundary_set, sample=True)
    except DesignationImportError as exc:
        return [
            f"Sample designations: not loaded, the sample file does not fit boundary set "
            f"{boundary_set.vintage} ({exc.problems[0]} …)."
        ]
    return [f"Sample designations: {result.created} added, {result.unchanged} already there."]


def clear_sample_designations() -> list[str]:
    rows = db.session.scalars(_sample_designations()).all()
    for row in rows:
        db.session.delete(row)
    return [f"Sample designations: {len(rows)} removed."]


def _activity_step() -> Step:

    return Step("meetings and concerns", load_demo_activity, clear_demo_activity)


STEPS: list[Step] = [
    Step("teams", load_demo_teams, clear_demo_teams),
    Step("routing rules", load_demo_rules, clear_demo_rules),
    Step("designations", load_sample_designations, clear_sample_designations),
    _activity_step(),
    Step("police.uk months", load_demo_months, clear_demo_months),
    Step("consultation", load_demo_consultation, clear_demo_consultation),
    Step("section 59", load_demo_section59, clear_demo_section59),
]


def _steps(only):
    return [s for s in STEPS if only is None or s.name in only]


def load_demo(only: tuple[str, ...] | None = None) -> list[str]:
    """All steps, or just those named in `only` (e.g. ("teams",))."""
    lines = []
    for step in _steps(only):
        lines += step.load()
    return lines


def clear_demo(only: tuple[str, ...] | None = None) -> list[str]:
    lines = []
    for step in reversed(_steps(only)):
        lines += step.clear()
        db.session.flush()
    return lines
