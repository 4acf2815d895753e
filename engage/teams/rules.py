"""Managing routing rules: the admin screen, `flask routing import` and `flask demo
load` all go through `check_rule` and `apply_rule`, so a rule cannot be valid in one
and not in another. Also the "test a concern" preview, which asks the routing itself
(`route` over `load_rules()` and `coverage_for()`) rather than repeating its logic.

A rule is identified by its scope: (ward, authority, category). There is at most one
rule per scope, active or not, so a CSV row always names exactly one rule. As
everywhere, the caller commits.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa

from engage.concerns.models import Category
from engage.extensions import db
from engage.geography.models import LocalAuthority, Ward
from engage.platform.csv_rows import (
    FileRefused,
    ImportTally,
    all_or_nothing,
    numbered_rows,
    read_csv_file,
    row_problem,
)
from engage.platform.parameters import DATABASE_MAX_INTEGER, BadParameter, whole_number
from engage.teams.models import RoutingRule, Team
from engage.teams.routing import (
    ConcernFacts,
    RoutingDecision,
    RuleSpec,
    coverage_for,
    load_rules,
    matches,
    route,
    specificity,
)
from engage.teams.services import Geography

CSV_COLUMNS = ("ward_code", "lad_code", "category", "lead_team", "copy_teams", "priority", "note")


class RuleImportError(FileRefused):
    pass


@dataclass
class RuleDraft:
    """What a rule should be, in plain codes (from a form, a CSV row or the demo).
    Blank ward and authority: anywhere; blank category: any; blank lead: the ward's INT."""

    ward_code: str = ""
    lad_code: str = ""
    category_code: str = ""
    lead_team_code: str = ""
    copy_team_codes: tuple[str, ...] = ()
    priority: int = 0
    note: str = ""
    is_active: bool = True
    is_demo: bool = False


@dataclass
class Lookups:
    """Everything a rule may name, by code, looked up once per form or import."""

    geography: Geography
    categories: dict[str, Category]
    teams: dict[str, Team]  # by lower-case code

    @classmethod
    def load(cls) -> Lookups:
        categories = db.session.scalars(sa.select(Category).order_by(Category.sort_order, Category.code)).all()
        teams = db.session.scalars(sa.select(Team).order_by(Team.code)).all()
        return cls(Geography.current(), {c.code: c for c in categories}, {t.code.lower(): t for t in teams})

    def team(self, code: str) -> Team | None:
        return self.teams.get(code.lower())


@dataclass
class Resolved:
    """A checked draft with its codes turned into rows."""

    ward: Ward | None
    authority: LocalAuthority | None
    category: Category | None
    lead_team: Team | None
    copy_teams: list[Team]


def check_rule(draft: RuleDraft, lookups: Lookups, rule: RoutingRule | None = None) -> tuple[dict[str, str], Resolved]:
    """Problems by field name ({} when fine), and what the codes name. `rule` is the
    rule being edited: it may keep a category that has since been retired."""
    problems: dict[str, str] = {}
    ward = authority = category = lead = None
    if draft.ward_code and draft.lad_code:
        problems["local_authority"] = "Choose a ward or an authority, not both (a ward already lies in one authority)."
    if draft.ward_code:
        ward = lookups.geography.wards.get(draft.ward_code.upper())
        if ward is None:
            problems["ward"] = f"Unknown ward code '{draft.ward_code}' in the current boundary set."
    if draft.lad_code:
        authority = lookups.geography.authorities.get(draft.lad_code.upper())
        if authority is None:
            problems["local_authority"] = f"Unknown local authority code '{draft.lad_code}'."
    if draft.category_code:
        category = lookups.categories.get(draft.category_code.lower())
        if category is None:
            problems["category"] = f"Unknown category '{draft.category_code}'."
        elif not category.is_active and (rule is None or rule.category_id != category.id):
            problems["category"] = f"The category '{category.code}' is retired: new concerns cannot have it."
    if draft.lead_team_code:
        lead = lookups.team(draft.lead_team_code)
        if lead is None:
            problems["lead_team"] = f"Unknown team '{draft.lead_team_code}'."
    copies, unknown = [], []
    for code in dict.fromkeys(c.strip() for c in draft.copy_team_codes if c.strip()):
        team = lookups.team(code)
        (copies if team is not None else unknown).append(team or code)
    if unknown:
        problems["copy_teams"] = f"Unknown team {', '.join(repr(c) for c in unknown)}."
    elif lead is not None and lead in copies:
        problems["copy_teams"] = f"{lead.code} leads, so it cannot also be copied."
    resolved = Resolved(ward, authority, category, lead, sorted(copies, key=lambda t: t.code))
    if not problems:
        other = rule_for_scope(ward, authority, category, except_rule=rule)
        if other is not None:
            state = "" if other.is_active else "deactivated "
            problems["scope"] = (
                f"There is already a {state}rule #{other.id} for "
                f"{scope_label(ward, authority, category)}: edit that one instead."
            )
    return problems, resolved


def _is(column, value):
    return column.is_(None) if value is None else column == value.id


def rule_for_scope(ward, authority, category, except_rule: RoutingRule | None = None) -> RoutingRule | None:
    stmt = (
        sa.select(RoutingRule)
        .where(
            _is(RoutingRule.ward_id, ward),
            _is(RoutingRule.local_authority_id, authority),
            _is(RoutingRule.category_id, category),
        )
        .order_by(RoutingRule.id)
    )
    if except_rule is not None and except_rule.id is not None:
        stmt = stmt.where(RoutingRule.id != except_rule.id)
    return db.session.scalars(stmt).first()


def in_sentence(label: str) -> str:
    """ "Fire setting and arson" inside a sentence; "OPCC referrals" stays as it is."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def scope_label(ward, authority, category) -> str:
    what = in_sentence(category.label) if category is not None else "any category"
    if ward is not None:
        return f"{what} in {ward.name} ward"
    if authority is not None:
        return f"{what} in any ward of {authority.name}"
    return f"{what} anywhere"


def rule_differs(rule: RoutingRule, draft: RuleDraft, resolved: Resolved) -> bool:
    return (
        (rule.lead_team_id, rule.priority, rule.note, rule.is_active, rule.is_demo)
        != (
            resolved.lead_team.id if resolved.lead_team else None,
            draft.priority,
            draft.note.strip(),
            draft.is_active,
            draft.is_demo,
        )
        or [t.id for t in rule.copy_teams] != [t.id for t in resolved.copy_teams]
        or (rule.ward, rule.local_authority, rule.category) != (resolved.ward, resolved.authority, resolved.category)
    )


def apply_rule(rule: RoutingRule, draft: RuleDraft, resolved: Resolved, edited_by: str) -> RoutingRule:
    """Make `rule` match a checked draft (a new RoutingRule() is added to the session)."""
    rule.ward = resolved.ward
    rule.local_authority = resolved.authority
    rule.category = resolved.category
    rule.lead_team = resolved.lead_team
    if [t.id for t in rule.copy_teams] != [t.id for t in resolved.copy_teams]:
        rule.copy_teams = list(resolved.copy_teams)
    rule.priority = draft.priority
    rule.note = draft.note.strip()
    rule.is_active = draft.is_active
    rule.is_demo = draft.is_demo
    rule.edited_by = edited_by
    if rule.id is None:
        db.session.add(rule)
    return rule


def set_active(rule: RoutingRule, active: bool, edited_by: str) -> bool:
    """Deactivate or reactivate; False when it already was."""
    if rule.is_active == active:
        return False
    rule.is_active = active
    rule.edited_by = edited_by
    return True


def draft_of(rule: RoutingRule) -> RuleDraft:
    return RuleDraft(
        ward_code=rule.ward.code if rule.ward else "",
        lad_code=rule.local_authority.code if rule.local_authority else "",
        category_code=rule.category.code if rule.category else "",
        lead_team_code=rule.lead_team.code if rule.lead_team else "",
        copy_team_codes=tuple(t.code for t in rule.copy_teams),
        priority=rule.priority,
        note=rule.note,
        is_active=rule.is_active,
        is_demo=rule.is_demo,
    )


# ---- reading -----------------------------------------------------------------


def spec_of(rule: RoutingRule) -> RuleSpec:
    return RuleSpec(
        rule.id,
        rule.lead_team_id,
        rule.ward_id,
        rule.local_authority_id,
        rule.category_id,
        tuple(t.id for t in rule.copy_teams),
        rule.priority,
    )


def _order(rule: RoutingRule):
    area, category, priority, older = specificity(spec_of(rule))
    place = (
        (rule.ward.local_authority.name, rule.ward.name)
        if rule.ward
        else (rule.local_authority.name, "")
        if rule.local_authority
        else ("", "")
    )
    return (-area, -category, place, rule.category.sort_order if rule.category else 0, -priority, -older)


def list_rules() -> list[RoutingRule]:
    """Active rules first, most specific first (the order routing considers them),
    then the deactivated ones in the same order."""
    rules = db.session.scalars(sa.select(RoutingRule)).all()
    return sorted(rules, key=lambda r: (not r.is_active, _order(r)))


def describe_rule(rule: RoutingRule, in_a_sentence: bool = False) -> str:
    what = rule.category.label if rule.category else "Any category"
    return f"{in_sentence(what) if in_a_sentence else what}, {rule.area_label}"


# ---- the "test a concern" preview ----------------------------------------------


@dataclass
class RoutingPreview:
    ward: Ward
    category: Category
    decision: RoutingDecision
    rule: RoutingRule | None
    lead_team: Team | None
    copied_teams: list[Team]
    covering: list[Team]  # INTs covering the ward, preferred first
    passed_over: list[RoutingRule]  # other active rules that match, most specific first
    explanation: list[str] = field(default_factory=list)


def preview_routing(ward: Ward, category: Category) -> RoutingPreview:
    """Who would lead and be copied on a concern of this category in this ward,
    decided by the routing itself over the active rules and coverage as stored now."""
    facts = ConcernFacts(ward.id, ward.local_authority_id, category.id)
    rules = load_rules()
    coverage = coverage_for(ward)
    decision = route(facts, rules, coverage)
    teams = {t.id: t for t in db.session.scalars(sa.select(Team))}
    matching = sorted((r for r in rules if matches(r, facts)), key=specificity, reverse=True)
    rule = db.session.get(RoutingRule, decision.rule_id) if decision.rule_id else None
    preview = RoutingPreview(
        ward=ward,
        category=category,
        decision=decision,
        rule=rule,
        lead_team=teams.get(decision.lead_team_id),
        copied_teams=[teams[i] for i in decision.copied_team_ids],
        covering=[teams[i] for i in coverage.get(ward.id, [])],
        passed_over=[db.session.get(RoutingRule, r.id) for r in matching if r.id != decision.rule_id],
    )
    preview.explanation = _explain(preview)
    return preview


def _explain(p: RoutingPreview) -> list[str]:
    lines = []
    where = f"{in_sentence(p.category.label)} in {p.ward.name}"
    ward_int = p.covering[0] if p.covering else None
    if p.rule is not None:
        lines.append(
            f"Rule #{p.rule.id} ({describe_rule(p.rule, in_a_sentence=True)}) is the most specific active rule "
            f"matching {where}."
        )
        if p.rule.lead_team_id is not None:
            lines.append(f"It names {p.rule.lead_team.code} to lead.")
        elif ward_int is not None:
            lines.append(f"It names the ward's INT, which is {ward_int.code}.")
        else:
            lines.append(
                "It names the ward's INT, but no INT covers this ward, so the concern would go to "
                "the OPCC triage queue (the teams copied are still told)."
            )
        dropped = [t for t in p.rule.copy_teams if p.lead_team is not None and t.id == p.lead_team.id]
        if dropped:
            lines.append(f"{dropped[0].code} leads, so it is not copied as well.")
    elif p.decision.routed_by == "coverage":
        lines.append(f"No active rule matches {where}, so the INT covering the ward leads: {ward_int.code}.")
    else:
        lines.append(
            f"No active rule matches {where} and no INT covers the ward, so the concern would go to "
            "the OPCC triage queue."
        )
    if len(p.covering) > 1 and p.lead_team is not None and p.lead_team.id == p.covering[0].id:
        lines.append(
            f"{len(p.covering)} INTs cover the ward; a team listing the ward is preferred to one "
            "covering the whole authority or all of Cleveland, then by code."
        )
    return lines


# ---- CSV ---------------------------------------------------------------------


@dataclass
class RuleImportResult(ImportTally):
    things = "routing rules"


# A form's field names, as the file's columns.
_COLUMN_OF_FIELD = {"local_authority": "lad_code", "ward": "ward_code"}


def parse_rule_rows(lines, lookups: Lookups, filename: str = "the file") -> list[tuple[int, RuleDraft, Resolved]]:
    """Every row checked before anything is stored; problems carry spreadsheet row
    numbers (the header is row 1)."""
    fields, numbered = numbered_rows(lines, CSV_COLUMNS, RuleImportError, filename)
    rows, problems, seen = [], [], {}
    for number, raw, faults in numbered:
        value = {c: (raw.get(c) or "").strip() for c in CSV_COLUMNS}
        found = {}
        if raw.get(None):  # csv.DictReader's place for values beyond the header
            found["row"] = (
                f"{len(fields) + len(raw[None])} values for {len(fields)} columns "
                "(put a note with a comma in double quotes)"
            )
        try:
            priority = whole_number(value, "priority", 0, minimum=-DATABASE_MAX_INTEGER)
        except BadParameter as exc:
            found["priority"] = exc.problem
            priority = 0
        draft = RuleDraft(
            ward_code=value["ward_code"].upper(),
            lad_code=value["lad_code"].upper(),
            category_code=value["category"].lower(),
            lead_team_code=value["lead_team"],
            copy_team_codes=tuple(c.strip() for c in value["copy_teams"].split(";") if c.strip()),
            priority=priority,
            note=value["note"],
        )
        checked, resolved = _check_for_import(draft, lookups)
        found.update(checked)
        # A NUL (which PostgreSQL cannot store) is the problem with its column, not
        # the unknown code or odd number it makes.
        found = {f: m for f, m in found.items() if _COLUMN_OF_FIELD.get(f, f) not in faults} | faults
        if not found:
            scope = (
                resolved.ward and resolved.ward.id,
                resolved.authority and resolved.authority.id,
                resolved.category and resolved.category.id,
            )
            if scope in seen:
                found["scope"] = (
                    f"{scope_label(resolved.ward, resolved.authority, resolved.category)} is also on row {seen[scope]}"
                )
            seen.setdefault(scope, number)
        if found:
            problems.append(row_problem(number, found, _COLUMN_OF_FIELD))
        else:
            rows.append((number, draft, resolved))
    return all_or_nothing(rows, problems, RuleImportError, filename)


def _check_for_import(draft: RuleDraft, lookups: Lookups) -> tuple[dict[str, str], Resolved]:
    # The file names a rule by its scope, so the rule already there is the one it
    # updates: check against it, not against "another rule with this scope".
    problems, resolved = check_rule(draft, lookups)
    if list(problems) == ["scope"]:
        existing = rule_for_scope(resolved.ward, resolved.authority, resolved.category)
        problems, resolved = check_rule(draft, lookups, rule=existing)
    return problems, resolved


def import_rules(path: str, edited_by: str, dry_run: bool = False) -> RuleImportResult:
    """Create or update rules by scope from CSV; all or nothing. Rules the file does
    not name are left alone; a rule the file names is active afterwards."""
    lookups = Lookups.load()
    rows = read_csv_file(path, lambda fh: parse_rule_rows(fh, lookups, filename=path), RuleImportError)

    result = RuleImportResult(dry_run=dry_run)
    for number, draft, resolved in rows:
        rule = rule_for_scope(resolved.ward, resolved.authority, resolved.category)
        label = f"row {number}"
        if rule is None:
            result.created.append(label)
            rule = RoutingRule()
        elif rule_differs(rule, draft, resolved):
            result.updated.append(label)
        else:
            result.unchanged.append(label)
            continue
        if not dry_run:
            apply_rule(rule, draft, resolved, edited_by)
    return result


def rules_csv(rules: list[RoutingRule]) -> str:
    """The rules as a file `import_rules` reads back (deactivated ones left out)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rule in rules:
        if not rule.is_active:
            continue
        d = draft_of(rule)
        writer.writerow(
            [
                d.ward_code,
                d.lad_code,
                d.category_code,
                d.lead_team_code,
                ";".join(d.copy_team_codes),
                d.priority,
                d.note,
            ]
        )
    return out.getvalue()
