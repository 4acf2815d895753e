from flask import abort, jsonify, request

from engage.api import schemas as s
from engage.api.blueprint import bp
from engage.api.document import answer, described, error
from engage.geography.boundaries import boundary_set_for
from engage.geography.locating import locate_grid_reference, locate_lonlat
from engage.geography.register import RESOLUTIONS, feature_collection, register_entries
from geodata import CoordinateError, GridRefError


def _boundary_set():
    vintage = request.args.get("vintage")
    boundary_set = boundary_set_for(vintage)
    if boundary_set is None:
        abort(404, f"no boundary set with vintage '{vintage}'" if vintage else "no boundary set imported yet")
    return boundary_set


@bp.route("/wards")
@described(
    "Every ward of a boundary set, as GeoJSON with today's designations.",
    {
        200: answer(s.WardCollection, "The wards.", "application/geo+json"),
        304: {"description": "Not modified: the outlines named by If-None-Match are still current."},
        404: error("No boundary set with that vintage."),
    },
    public=True,
    query=s.WardsQuery,
    tag="register",
)
def wards():
    resolution = request.args.get("resolution", "full")
    if resolution not in RESOLUTIONS:
        return jsonify(error=f"resolution '{resolution}' is not one of: {', '.join(RESOLUTIONS)}"), 400
    boundary_set = _boundary_set()
    collection = feature_collection(register_entries(boundary_set, outlines=True), boundary_set, resolution)
    response = jsonify(collection)
    response.headers["Content-Type"] = "application/geo+json"
    # The same outlines until the set or a designation changes: a phone asks with the
    # ETag it has and gets 304, not the outlines again (Cache-Control: no-cache means
    # "ask first", not "do not keep").
    response.headers["Cache-Control"] = "public, no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/locate")
@described(
    "The ward at a point: `lon` and `lat` (WGS84), or `grid` (an OS grid reference).",
    {
        200: answer(s.LocatedWard, "The ward containing the point."),
        400: error("Neither lon/lat nor grid given, or they are not valid coordinates."),
        404: error("Outside every ward of the set (the answer names the vintage), or no such set."),
    },
    public=True,
    query=s.LocateQuery,
    tag="register",
)
def locate():
    boundary_set = _boundary_set()
    grid = request.args.get("grid")
    lon, lat = request.args.get("lon"), request.args.get("lat")
    try:
        if grid is not None:
            found = locate_grid_reference(boundary_set, grid)
        elif lon is not None and lat is not None:
            found = locate_lonlat(boundary_set, lon, lat)
        else:
            return jsonify(error="give lon and lat (WGS84), or grid (an OS grid reference such as NZ 4966 1942)"), 400
    except (CoordinateError, GridRefError) as exc:
        return jsonify(error=str(exc)), 400
    if found is None:
        return jsonify(error="outside the Cleveland wards", vintage=boundary_set.vintage), 404
    return jsonify(found.as_dict())
