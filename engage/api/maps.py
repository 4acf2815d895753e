"""Map data: compact JSON keyed by ward code, and binned density for the heat layer."""

from flask import abort, jsonify, request
from flask_login import current_user

from engage.accounts.access import login_required_any_role
from engage.accounts.policy import scope_for
from engage.api import schemas as s
from engage.api.blueprint import bp
from engage.api.document import NO_BOUNDARIES, answer, boundary_set_or_503, described, error
from engage.demo.source import default_source
from engage.geography.outlines import authority_outlines
from engage.maps.classes import BREAK_METHODS
from engage.maps.services import MapFilters, choropleth, heat_cells
from engage.platform.parameters import DATABASE_MAX_INTEGER, whole_number


def _setup():
    boundary_set = boundary_set_or_503()
    filters = MapFilters.from_args(request.args, default_source=default_source())
    if filters.errors:
        abort(400, "; ".join(filters.errors))
    return boundary_set, filters, scope_for(current_user)


@bp.route("/v1/maps/wards")
@described(
    "Concern counts per ward for the choropleth, with its classes: wards at 0 are in none.",
    {
        200: answer(s.MapWards, "Counts by ward code."),
        400: error("A filter, `measure` or `breaks` is not valid."),
        503: NO_BOUNDARIES,
    },
    query=s.MapWardsQuery,
    tag="maps",
)
@login_required_any_role
def map_wards():
    boundary_set, filters, scope = _setup()
    measure = request.args.get("measure", "count")
    method = request.args.get("breaks", "quantiles")
    if measure not in ("count", "per_meeting") or method not in BREAK_METHODS:
        abort(400, "measure is count or per_meeting; breaks is quantiles or jenks")
    return jsonify(choropleth(filters, scope, boundary_set, measure, method))


@bp.route("/v1/maps/heat")
@described(
    "Concern density in square cells for the heat layer.",
    {200: answer(s.MapHeat, "The cells."), 400: error("A filter or `zoom` is not valid."), 503: NO_BOUNDARIES},
    query=s.MapHeatQuery,
    tag="maps",
)
@login_required_any_role
def map_heat():
    boundary_set, filters, scope = _setup()
    # Any zoom the database could hold is drawn at the nearest of 8 to 17 (heat_cells).
    zoom = whole_number(request.args, "zoom", 11, minimum=-DATABASE_MAX_INTEGER)
    cells = heat_cells(filters, scope, boundary_set.id, zoom)
    return jsonify(filters=filters.as_args(), demo=filters.source == "demo", **cells)


@bp.route("/authorities")
@described(
    "Outlines of the four local authorities (dissolved from the current wards).",
    {200: answer(s.AuthorityCollection, "The authorities.", "application/geo+json"), 503: NO_BOUNDARIES},
    public=True,
    tag="register",
)
def authorities():
    boundary_set = boundary_set_or_503()
    response = jsonify(authority_outlines(boundary_set))
    response.headers["Content-Type"] = "application/geo+json"
    return response
