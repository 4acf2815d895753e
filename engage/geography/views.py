"""The ward register's pages: the list of wards, one ward, its map."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from engage.accounts.policy import scope_for
from engage.consultations.results import latest_for_ward
from engage.demo.source import source_from
from engage.geography.boundaries import boundary_set_for, find_ward
from engage.geography.locating import locator_for
from engage.geography.register import feature, register_by_authority, register_entries
from engage.geography.ward_names import ward_options
from engage.maps.drilldown import ward_drilldown
from engage.platform.dates import office_day
from engage.records.ward_recorded import recorded_in_ward

bp = Blueprint("wards", __name__)

# The ward-picker's list (templates/_ward_picker.html), for any page that shows one.
bp.add_app_template_global(ward_options, "ward_options")


def _boundary_set_or_404():
    vintage = request.args.get("vintage")
    boundary_set = boundary_set_for(vintage)
    if boundary_set is None:
        if vintage:
            abort(404, f"no boundary set with vintage '{vintage}'")
        abort(503, "no boundary set has been imported yet: run `make run` or `flask --app engage wards import`")
    return boundary_set


@bp.route("/")
def index():
    boundary_set = _boundary_set_or_404()
    entries = register_entries(boundary_set)
    return render_template(
        "wards/index.html",
        boundary_set=boundary_set,
        groups=register_by_authority(entries),
        total=len(entries),
        any_sample=any(e.designation_is_sample for e in entries),
    )


@bp.route("/wards/<code>")
def detail(code):
    boundary_set = _boundary_set_or_404()
    ward = find_ward(boundary_set, code)
    if ward is None:
        abort(404, f"no ward {code} in boundary set {boundary_set.vintage}")
    entries = {e.ward.code: e for e in register_entries(boundary_set)}
    neighbour_codes = locator_for(boundary_set).locator.neighbours(ward.code)
    map_data = {
        "ward": feature(entries[ward.code]),
        "neighbours": [feature(entries[c]) for c in neighbour_codes],
        "attribution": boundary_set.attribution,
    }
    drilldown, source = _drilldown_if_allowed(ward)
    return render_template(
        "wards/detail.html",
        drilldown=drilldown,
        # police.uk's counts beside the concerns, for those who see the ward's figures.
        recorded=recorded_in_ward(ward, scope_for(current_user), source.name) if drilldown else None,
        source=source,
        boundary_set=boundary_set,
        entry=entries[ward.code],
        ward=ward,
        neighbours=[entries[c] for c in neighbour_codes],
        history=list(reversed(ward.designations)),
        map_data=map_data,
        is_current=boundary_set.is_current,
        priorities=latest_for_ward(ward, demo=source.is_demo, today=office_day()) if drilldown else None,
    ), (400 if source and source.error else 200)


def _drilldown_if_allowed(ward):
    """(figures, their source: real or demo) only for people signed in whose area
    includes the ward; everyone else sees the public facts (outline, designation) only."""
    if not current_user.is_authenticated:
        return None, None
    scope = scope_for(current_user)
    if not scope.may_open_ward(ward.id):
        return None, None
    source = source_from(request.args)
    return ward_drilldown(ward, scope, source=source.name), source
