"""The JSON API used by the capture app and other clients (session or bearer token)."""

from flask import abort, jsonify
from flask_login import current_user

from engage.accounts.access import login_required_any_role
from engage.accounts.policy import scope_for
from engage.api import schemas as s
from engage.api.blueprint import bp
from engage.api.document import NO_BOUNDARIES, answer, boundary_set_or_503, described, error
from engage.geography.register import register_entries


def _scoped_entries():
    boundary_set = boundary_set_or_503()
    return register_entries(boundary_set, scope=scope_for(current_user)), boundary_set


@bp.route("/v1/me", endpoint="v1_me")
@described("Who the token or session belongs to.", {200: answer(s.Me, "The user.")}, tag="register")
@login_required_any_role
def me():
    return jsonify(
        email=current_user.email,
        name=current_user.name,
        roles=sorted(current_user.roles),
        teams=[{"code": t.code, "name": t.name, "kind": t.kind, "is_demo": t.is_demo} for t in current_user.teams],
    )


@bp.route("/v1/wards", endpoint="v1_wards")
@described(
    "The wards of the current set the user may see, with today's designations.",
    {200: answer(s.Wards, "The wards."), 503: NO_BOUNDARIES},
    tag="register",
)
@login_required_any_role
def wards():
    entries, boundary_set = _scoped_entries()
    return jsonify(vintage=boundary_set.vintage, wards=[e.as_row() for e in entries])


@bp.route("/v1/wards/<code>", endpoint="v1_ward")
@described(
    "One ward of the current set, if the user may see it.",
    {
        200: answer(s.WardDetail, "The ward."),
        404: error("No such ward, or not in the user's area."),
        503: NO_BOUNDARIES,
    },
    tag="register",
)
@login_required_any_role
def ward(code):
    entries, boundary_set = _scoped_entries()
    found = next((e for e in entries if e.ward.code == code.upper()), None)
    if found is None:
        abort(404, f"no ward {code} in your area")
    row = found.as_row()
    row["vintage"] = boundary_set.vintage
    row["designation_from"] = found.designation_from.isoformat() if found.designation_from else None
    row["designation_is_sample"] = found.designation_is_sample
    return jsonify(row)
