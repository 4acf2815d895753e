"""The maps' "Recorded ASB (police.uk)" layer (static/js/maps_recorded.js): each ward's
count over the months imported in the map's period."""

from flask import abort, jsonify, request

from engage.accounts.access import login_required_any_role
from engage.api import schemas as s
from engage.api.blueprint import bp
from engage.api.document import NO_BOUNDARIES, answer, boundary_set_or_503, described, error
from engage.demo.source import default_source
from engage.maps.classes import map_classes
from engage.maps.services import MapFilters
from engage.records.map_layer import recorded_by_ward
from engage.records.ward_recorded import CAVEAT


@bp.route("/v1/maps/recorded")
@described(
    "police.uk's recorded ASB per ward over the months imported in the period, with classes for the layer.",
    {
        200: answer(s.MapRecorded, "Counts by ward code."),
        400: error("`from`, `to` or `source` is not valid."),
        503: NO_BOUNDARIES,
    },
    query=s.MapFilters,
    tag="maps",
)
@login_required_any_role
def map_recorded():
    boundary_set = boundary_set_or_503()
    filters = MapFilters.from_args(request.args, default_source=default_source())
    if filters.errors:
        abort(400, "; ".join(filters.errors))
    layer = recorded_by_ward(boundary_set, filters.date_from, filters.date_to, demo=filters.source == "demo")
    return jsonify(
        filters=filters.as_args(),
        crime_type=layer.crime_type,
        months=[m.isoformat() for m in layer.months],
        wards=layer.wards,
        total=sum(layer.wards.values()),
        demo=filters.source == "demo",
        caveat=CAVEAT,
        **map_classes(list(layer.wards.values())),
    )
