"""Ward outlines for drawing on a map, lighter than the ones points are located in.

The wards of a set tile the area, so they are simplified together as a coverage
(GEOS's coverage simplification): an edge two wards share is simplified once and
stays shared, leaving no gaps or overlaps between neighbours, which simplifying each
ward on its own would open. Coordinates are then rounded to five decimals (about a
metre), which every neighbour's copy of a shared vertex rounds alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import shapely

# About 25 m: under two pixels at street level (zoom 15) and invisible on the area
# maps (zoom 10 to 13), on boundaries ONS already generalised to about 20 m.
DISPLAY_TOLERANCE_M = 25.0
DISPLAY_DECIMALS = 5
METRES_PER_DEGREE = 111_320.0


def display_outlines(
    geojson: Sequence[str], tolerance_m: float = DISPLAY_TOLERANCE_M, decimals: int = DISPLAY_DECIMALS
) -> list[dict]:
    """GeoJSON geometries (as text) -> simplified GeoJSON geometries (as dicts), in order."""
    if not geojson:
        return []
    geometries = shapely.from_geojson(list(geojson))
    simplified = shapely.coverage_simplify(geometries, tolerance_m / METRES_PER_DEGREE)
    outlines = []
    for original, geometry in zip(geometries, simplified):
        if geometry is None or geometry.is_empty or not geometry.is_valid:
            geometry = original  # never draw less than the ward
        shape = json.loads(shapely.to_geojson(geometry))
        shape["coordinates"] = _rounded(shape["coordinates"], decimals)
        outlines.append(shape)
    return outlines


def _rounded(coordinates, decimals: int):
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [round(coordinates[0], decimals), round(coordinates[1], decimals)]
    return [_rounded(c, decimals) for c in coordinates]
