"""Local authority outlines, dissolved from a boundary set's wards (once per set)."""

from __future__ import annotations

import json
import threading

import shapely
from shapely.geometry import mapping

from engage.geography.locating import locator_for

_cache: dict = {}

_lock = threading.Lock()


def authority_outlines(boundary_set) -> dict:
    key = (boundary_set.id, boundary_set.imported_at.isoformat())
    with _lock:
        if key in _cache:
            return _cache[key]
    located = locator_for(boundary_set)
    groups: dict[str, list] = {}
    names = {}
    for code, geometry in located.geometries.items():
        ward = located.wards[code]
        groups.setdefault(ward.lad_code, []).append(geometry)
        names[ward.lad_code] = ward.lad_name
    features = []
    for lad_code in sorted(groups):
        outline = shapely.set_precision(shapely.union_all(groups[lad_code]), 1e-7)
        features.append(
            {
                "type": "Feature",
                "properties": {"lad_code": lad_code, "lad_name": names[lad_code]},
                "geometry": json.loads(json.dumps(mapping(outline))),
            }
        )
    collection = {"type": "FeatureCollection", "vintage": boundary_set.vintage, "features": features}
    with _lock:
        _cache.clear()
        _cache[key] = collection
    return collection
