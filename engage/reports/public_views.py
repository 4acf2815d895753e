"""Pages for residents: no log-in, no personal data, only what staff published."""

from flask import Blueprint, abort, render_template

from engage.geography.boundaries import current_boundary_set, find_ward
from engage.platform import english
from engage.platform.dates import office_day
from engage.reports.public_page import earlier_updates, ward_page

bp = Blueprint("public", __name__, url_prefix="/public")
# The public pages' and the staff's preview's English ("8th February 2027").
bp.add_app_template_filter(english.long_date, "long_date")
bp.add_app_template_filter(english.period_phrase, "period_phrase")
bp.add_app_template_filter(office_day, "office_date")
bp.add_app_template_global(english.meeting_when, "meeting_when")


def _ward_or_404(code):
    ward = find_ward(current_boundary_set(), code)
    if ward is None:
        abort(
            404,
            f"There is no ward with the code {code[:20]}. Check the address, or find the ward in the list of wards.",
        )
    return ward


@bp.route("/wards/<code>")
def ward(code):
    return render_template("public/ward.html", page=ward_page(_ward_or_404(code)))


@bp.route("/wards/<code>/updates")
def past(code):
    ward = _ward_or_404(code)
    return render_template("public/past.html", ward=ward, updates=earlier_updates(ward))
