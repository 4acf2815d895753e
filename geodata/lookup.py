"""Point-in-ward lookup over an STRtree of prepared ward polygons."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry


class Locator:
    """Finds the ward containing a lon/lat point; build once, query many times.

    A point on a shared boundary or vertex lies in several wards. We query with
    "intersects" (not "contains", which would drop such points on the floor) and
    break the tie by the lowest ward code, so the answer never depends on
    polygon order or on the tree's internals.
    """

    def __init__(self, wards: Sequence[tuple[str, BaseGeometry]]) -> None:
        # Stored sorted by code, so "lowest code" is simply "lowest tree index".
        ordered = sorted(wards, key=lambda ward: ward[0])
        codes = [code for code, _ in ordered]
        repeated = sorted(code for code, n in Counter(codes).items() if n > 1)
        if repeated:
            raise ValueError(f"duplicate ward codes: {', '.join(repeated)}")
        for code, geometry in ordered:
            if not isinstance(geometry, BaseGeometry) or geometry.is_empty:
                raise ValueError(f"ward {code} has no geometry")
        self._codes = np.array(codes, dtype=object)
        self._geometries = np.array([geometry for _, geometry in ordered], dtype=object)
        # Prepared geometries make each predicate test after the tree query cheap.
        # This prepares the caller's objects in place: a cache, values are unchanged.
        shapely.prepare(self._geometries)
        self._tree = shapely.STRtree(self._geometries)
        self._index = {code: i for i, code in enumerate(codes)}

    @property
    def codes(self) -> list[str]:
        return list(self._codes)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        minx, miny, maxx, maxy = shapely.total_bounds(self._geometries)
        return float(minx), float(miny), float(maxx), float(maxy)

    def __len__(self) -> int:
        return len(self._codes)

    def locate(self, lon: float, lat: float) -> str | None:
        """Code of the ward containing (lon, lat), or None outside every ward."""
        if not (math.isfinite(lon) and math.isfinite(lat)):
            return None
        hits = self._tree.query(shapely.Point(lon, lat), predicate="intersects")
        return str(self._codes[hits.min()]) if hits.size else None

    def locate_many(self, lons: Any, lats: Any) -> list[str | None]:
        """locate() over arrays in one tree query; NaN or inf coordinates give None."""
        return np.append(self._codes, None)[self.locate_indices(lons, lats)].tolist()

    def locate_indices(self, lons: Any, lats: Any) -> np.ndarray:
        """locate_many() as an array of positions in `codes`, len(self) for a point in no
        ward (or with NaN or inf coordinates): for callers that want no Python object
        per point, such as `wards locate --csv`."""
        x = np.asarray(lons, dtype=float).ravel()
        y = np.asarray(lats, dtype=float).ravel()
        if x.shape != y.shape:
            raise ValueError(f"{x.size} longitudes but {y.size} latitudes")
        none = len(self._codes)
        result = np.full(x.shape, none, dtype=np.intp)
        finite = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        points = shapely.points(x[finite], y[finite])
        point_i, ward_i = self._tree.query(points, predicate="intersects")
        # Several hits for one point (boundary cases): keep the lowest ward index.
        best = np.full(finite.size, none, dtype=np.intp)
        np.minimum.at(best, point_i, ward_i)
        result[finite] = best
        return result

    def neighbours(self, code: str) -> list[str]:
        """Sorted codes of the wards that touch or overlap ward `code`."""
        try:
            i = self._index[code]
        except KeyError:
            raise KeyError(f"unknown ward code {code!r}") from None
        hits = self._tree.query(self._geometries[i], predicate="intersects")
        return sorted(str(self._codes[j]) for j in hits if j != i)
