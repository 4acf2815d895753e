"""Routing rules: the list in the order routing weighs them, create, edit, deactivate,
and "test a concern": who would lead and be copied, decided by the routing itself."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.admin.forms import RoutingRuleForm, has_errors
from engage.admin.views import bp
from engage.extensions import db
from engage.geography.ward_names import resolve_ward
from engage.teams.models import RoutingRule
from engage.teams.rules import (
    Lookups,
    RuleDraft,
    apply_rule,
    check_rule,
    describe_rule,
    draft_of,
    list_rules,
    preview_routing,
    set_active,
)


@bp.route("/routing")
def routing():
    lookups = Lookups.load()
    active_categories = [c for c in lookups.categories.values() if c.is_active]
    ward_choice = resolve_ward(request.args.get("ward"))
    category_code = request.args.get("category", "").strip().lower()
    preview, problems, ward_problem = None, [], ward_choice.problem
    if ward_choice.text or category_code:
        ward = lookups.geography.wards.get(ward_choice.ward.code) if ward_choice.ward else None
        category = lookups.categories.get(category_code)
        if ward is None and not ward_problem:
            ward_problem = (
                "Choose a ward of the current boundary set."
                if not ward_choice.text
                else f"No ward {ward_choice.text} in the current boundary set."
            )
        if category is None:
            problems.append("Choose a category." if not category_code else f"No category {category_code}.")
        if not problems and not ward_problem:
            preview = preview_routing(ward, category)
    rules = list_rules()
    return render_template(
        "admin/routing.html",
        rules=rules,
        describe_rule=describe_rule,
        categories=active_categories,
        ward_choice=ward_choice,
        ward_problem=ward_problem,
        category_code=category_code,
        preview=preview,
        problems=problems,
        active_count=sum(r.is_active for r in rules),
    ), 422 if problems or ward_problem else 200


@bp.route("/routing/new", methods=["GET", "POST"])
def new_rule():
    return _rule_form(RoutingRule())


@bp.route("/routing/<int:rule_id>", methods=["GET", "POST"])
def edit_rule(rule_id):
    return _rule_form(db.get_or_404(RoutingRule, rule_id, description="No such routing rule."))


def _rule_form(rule: RoutingRule):
    lookups = Lookups.load()
    categories = [c for c in lookups.categories.values() if c.is_active or c.id == rule.category_id]
    teams = sorted(lookups.teams.values(), key=lambda t: (t.kind, t.code))
    form = RoutingRuleForm()
    form.set_choices(lookups.geography.authorities.values(), categories, teams)
    if request.method == "GET" and rule.id is not None:
        _fill(form, rule)
    if form.validate_on_submit() and _save(form, rule, lookups):
        db.session.commit()
        flash(f"Saved rule #{rule.id}: {describe_rule(rule, in_a_sentence=True)}.", "info")
        return redirect(url_for("admin.routing"))
    status = 422 if has_errors(form) else 200
    team_options = [(t.code, f"{t.code} · {t.name}", t) for t in teams]
    return render_template(
        "admin/routing_rule_form.html", form=form, rule=rule, team_options=team_options, describe_rule=describe_rule
    ), status


def _fill(form: RoutingRuleForm, rule: RoutingRule):
    draft = draft_of(rule)
    form.ward.data = resolve_ward(draft.ward_code).shown  # the ward's name, as the picker writes it
    form.local_authority.data = draft.lad_code
    form.category.data = draft.category_code
    form.lead_team.data = draft.lead_team_code
    form.copy_teams.data = list(draft.copy_team_codes)
    form.priority.data = draft.priority
    form.note.data = draft.note
    form.is_active.data = draft.is_active


def _save(form: RoutingRuleForm, rule: RoutingRule, lookups: Lookups) -> bool:
    ward = resolve_ward(form.ward.data)
    if ward.problem:
        form.ward.errors.append(ward.problem)
        return False
    draft = RuleDraft(
        ward_code=ward.ward.code if ward.ward else "",
        lad_code=form.local_authority.data or "",
        category_code=form.category.data or "",
        lead_team_code=form.lead_team.data or "",
        copy_team_codes=tuple(form.copy_teams.data or ()),
        priority=form.priority.data,
        note=form.note.data or "",
        is_active=form.is_active.data if rule.id is not None else True,
        is_demo=bool(rule.is_demo),  # a sample rule stays one: `demo clear` removes it, edits and all
    )
    problems, resolved = check_rule(draft, lookups, rule=rule)
    # The scope clash is about the area and category together: say it by the category.
    for name, message in problems.items():
        getattr(form, "category" if name == "scope" else name).errors.append(message)
    if problems:
        return False
    apply_rule(rule, draft, resolved, edited_by=current_user.email)
    return True


@bp.route("/routing/<int:rule_id>/active", methods=["POST"])
def rule_active(rule_id):
    rule = db.get_or_404(RoutingRule, rule_id, description="No such routing rule.")
    active = request.form.get("active") == "1"
    if set_active(rule, active, edited_by=current_user.email):
        db.session.commit()
        flash(
            f"Rule #{rule.id} ({describe_rule(rule, in_a_sentence=True)}) is {'active again' if active else 'deactivated'}.",
            "info",
        )
    return redirect(url_for("admin.routing"))
