"""Pages for residents: no log-in, no personal data, only what staff published."""

from flask import Blueprint, abort, render_template

from engage.geography.boundaries import current_boundary_set, find_ward
from engage.reports.updates import latest_published, next_planned_meeting

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.route("/wards/<code>")
def ward(code):
    ward = find_ward(current_boundary_set(), code)
    if ward is None:
        abort(404, f"no ward {code}")
    return render_template(
        "public/ward.html", ward=ward, update=latest_published(ward.code), next_meeting=next_planned_meeting(ward)
    )
