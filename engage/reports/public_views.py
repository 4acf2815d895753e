"""Pages for residents: no log-in, no personal data, only what staff published."""

from flask import Blueprint, abort, render_template

from engage.geography.boundaries import current_boundary_set
from engage.geography.register import find_ward
from engage.reports.updates import latest_published, next_planned_meeting

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.route("/wards/<code>")
def ward(code):
    boundary_set = current_boundary_set()
    ward = find_ward(boundary_set, code.upper()) if boundary_set else None
    if ward is None:
        abort(404, f"no ward {code}")
    return render_template("public/ward.html", ward=ward, update=latest_published(ward.code),
                           next_meeting=next_planned_meeting(ward))
