"""Teams: list, create and edit, with the wards they cover and their members."""

from itertools import groupby

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for

from engage.accounts.models import User
from engage.admin.forms import (
    COVERAGE_CHOICES,
    KIND_CHOICES,
    NOTIFY_CHOICES,
    TeamForm,
    has_errors,
)
from engage.admin.views import bp
from engage.extensions import db
from engage.geography.ward_names import resolve_wards
from engage.teams.models import Team
from engage.teams.services import (
    Geography,
    TeamSpec,
    apply_team,
    check_team,
    code_taken,
    coverage_summary,
    list_teams,
    member_counts,
    set_members,
    users_for_ids,
)


@bp.route("/teams")
def teams():
    return render_template(
        "admin/teams.html", teams=list_teams(), counts=member_counts(), coverage_summary=coverage_summary
    )


@bp.route("/teams/new", methods=["GET", "POST"])
def new_team():
    return _team_form(Team())


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
def edit_team(team_id):
    return _team_form(db.get_or_404(Team, team_id, description="No such team."))


def _team_form(team: Team):
    geography = Geography.current()
    people = db.session.scalars(sa.select(User).order_by(User.email)).all()
    # Disabled users are offered only when they are already members.
    people = [u for u in people if not u.is_disabled or team in u.teams]
    form = TeamForm()
    form.set_choices(geography.authorities.values(), geography.wards.values(), people)
    if request.method == "GET" and team.id is not None:
        _fill(form, team, geography)
    # Wards named in the picker box are ticked with the others; a name that matches no
    # ward is said beside the box, which keeps what was typed.
    named = AddedWards(request.form.get("add_wards", "") if request.method == "POST" else "")
    if form.validate_on_submit() and not named.problem and _save(form, team, geography, named.codes):
        db.session.commit()
        flash(f"Saved team {team.code}.", "info")
        return redirect(url_for("admin.edit_team", team_id=team.id))
    status = 422 if has_errors(form) or named.problem else 200
    if named.codes:
        form.wards.data = sorted(set(form.wards.data or ()) | set(named.codes))
    return render_template(
        "admin/team_form.html",
        form=form,
        team=team,
        add_wards=named,
        **_options(geography, people),
        digest_hour=current_app.config["ENGAGE_DIGEST_HOUR"],
    ), status


class AddedWards:
    """The team form's "add wards by name" box: the codes of the wards it names and, for
    those it could not find, what to say beside it."""

    def __init__(self, text: str):
        found, unknown = resolve_wards(text)
        self.text = ", ".join(choice.text for choice in unknown)  # the found ones are ticked
        self.codes = [w.code for w in found]
        self.problem = " ".join(choice.problem for choice in unknown)


def _options(geography: Geography, people) -> dict:
    """(value, label, team-or-None) triples for admin/_fields.html."""
    wards = sorted(geography.wards.values(), key=lambda w: (w.local_authority.name, w.name))
    return {
        "kind_options": [(value, label, None) for value, label in KIND_CHOICES],
        "coverage_options": [(value, label, None) for value, label in COVERAGE_CHOICES],
        "notify_options": [(value, label, None) for value, label in NOTIFY_CHOICES],
        "wards_by_authority": [
            (authority, [(w.code, w.name, None) for w in group])
            for authority, group in groupby(wards, key=lambda w: w.local_authority)
        ],
        "member_options": [
            (
                u.id,
                f"{u.email}{' (' + u.name + ')' if u.name else ''}: {', '.join(sorted(u.roles))}"
                f"{' – disabled' if u.is_disabled else ''}",
                None,
            )
            for u in people
        ],
    }


def _fill(form: TeamForm, team: Team, geography: Geography):
    form.code.data = team.code
    form.name.data = team.name
    form.kind.data = team.kind
    form.local_authority.data = team.local_authority.code if team.local_authority else ""
    form.contact_email.data = team.contact_email
    form.coverage.data = team.coverage
    form.notify_mode.data = team.notify_mode
    # Only the current set's wards are on the form; apply_team keeps the others.
    form.wards.data = [w.code for w in team.wards if geography.wards.get(w.code) is w]
    form.members.data = [u.id for u in team.members]


def _save(form: TeamForm, team: Team, geography: Geography, named_codes=()) -> bool:
    spec = TeamSpec(
        code=form.code.data.strip(),
        name=form.name.data,
        kind=form.kind.data,
        lad_code=form.local_authority.data or "",
        contact_email=(form.contact_email.data or "").strip(),
        coverage=form.coverage.data,
        ward_codes=tuple(dict.fromkeys([*(form.wards.data or ()), *named_codes])),
        is_demo=team.is_demo,
        notify_mode=form.notify_mode.data,
    )
    problems = check_team(spec, geography)
    if "code" not in problems and code_taken(spec.code, except_team=team):
        problems["code"] = f"There is already a team with the code {spec.code}."
    for name, message in problems.items():
        getattr(form, name).errors.append(message)
    if problems:
        return False
    apply_team(team, spec, geography)
    set_members(team, users_for_ids(form.members.data or ()))
    return True
