"""Which ward is this point in?

One spatial index per boundary set, built on first use and kept for the life of the
process (keyed so that a re-imported or changed set gets a new one).
"""

from __future__ import annotations

import csv
import threading
from dataclasses import asdict, dataclass
from typing import TextIO

import numpy as np
import shapely
import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.geography.models import BoundarySet, Ward
from geodata import Locator, bng_to_wgs84, parse_grid_reference, validate_lonlat


@dataclass(frozen=True)
class LocatedWard:
    ward_code: str
    ward_name: str
    lad_code: str
    lad_name: str
    vintage: str

    def as_dict(self) -> dict:
        return asdict(self)


class LocatedSet:
    """A boundary set's locator plus what to say about each ward it finds."""

    def __init__(self, vintage: str, wards: list[LocatedWard], geometries: list):
        self.vintage = vintage
        self.wards = {w.ward_code: w for w in wards}
        self.geometries = dict(zip(self.wards.keys(), geometries))
        self.locator = Locator(list(self.geometries.items()))

    def ward_at(self, lon: float, lat: float) -> LocatedWard | None:
        code = self.locator.locate(lon, lat)
        return self.wards[code] if code else None

    def codes_at(self, lons, lats) -> list[str | None]:
        return self.locator.locate_many(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))


_cache: dict[tuple, LocatedSet] = {}

_lock = threading.Lock()


def locator_for(boundary_set: BoundarySet) -> LocatedSet:
    key = (boundary_set.id, boundary_set.vintage, boundary_set.imported_at.isoformat())
    located = _cache.get(key)
    if located is None:
        with _lock:
            located = _cache.get(key)
            if located is None:
                located = _build(boundary_set)
                if len(_cache) > 8:
                    _cache.clear()
                _cache[key] = located
    return located


def _build(boundary_set: BoundarySet) -> LocatedSet:
    rows = db.session.scalars(
        sa.select(Ward)
        .where(Ward.boundary_set_id == boundary_set.id)
        .options(so.joinedload(Ward.local_authority), so.undefer(Ward.geometry))
        .order_by(Ward.code)
    ).all()
    wards = [
        LocatedWard(w.code, w.name, w.local_authority.code, w.local_authority.name, boundary_set.vintage) for w in rows
    ]
    geometries = shapely.from_geojson([w.geometry for w in rows]) if rows else []
    return LocatedSet(boundary_set.vintage, wards, list(geometries))


def locate_lonlat(boundary_set: BoundarySet, lon, lat) -> LocatedWard | None:
    """Raises geodata.CoordinateError for coordinates that are not valid lon/lat."""
    lon, lat = validate_lonlat(lon, lat)
    return locator_for(boundary_set).ward_at(lon, lat)


def locate_grid_reference(boundary_set: BoundarySet, text: str) -> LocatedWard | None:
    """Raises geodata.GridRefError for a malformed grid reference."""
    easting, northing = parse_grid_reference(text)
    lon, lat = bng_to_wgs84(easting, northing)
    return locator_for(boundary_set).ward_at(lon, lat)


class LocateCsvError(ValueError):
    pass


def locate_csv(boundary_set: BoundarySet, source: TextIO, out: TextIO, chunk_size: int = 50_000) -> dict:
    """Copy a CSV with `lon,lat` columns to `out`, appending `ward_code` (empty when
    outside). Works in chunks so 100,000 rows go through one vectorised query each
    chunk rather than one lookup per row. Returns counts."""
    reader = csv.reader(source)
    try:
        header = next(reader)
    except StopIteration:
        raise LocateCsvError("the CSV file is empty: expected a header row with lon,lat columns") from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in ("lon", "lat") if c not in names]
    if missing:
        raise LocateCsvError(
            f"the CSV header has no {' or '.join(missing)} column (found: {', '.join(header) or 'nothing'})"
        )
    lon_i, lat_i = names.index("lon"), names.index("lat")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header + ["ward_code"])
    located = locator_for(boundary_set)
    counts = {"rows": 0, "located": 0, "outside": 0, "invalid": 0}

    def flush(rows):
        lons = np.array([_number(r, lon_i) for r in rows], dtype=float)
        lats = np.array([_number(r, lat_i) for r in rows], dtype=float)
        bad = ~(np.isfinite(lons) & np.isfinite(lats)) | (np.abs(lons) > 180) | (np.abs(lats) > 90)
        lons[bad] = np.nan
        lats[bad] = np.nan
        codes = located.codes_at(lons, lats)
        for row, code in zip(rows, codes):
            writer.writerow(row + [code or ""])
        counts["rows"] += len(rows)
        counts["invalid"] += int(bad.sum())
        found = sum(1 for c in codes if c)
        counts["located"] += found
        counts["outside"] += len(rows) - found - int(bad.sum())

    chunk = []
    for row in reader:
        chunk.append(row)
        if len(chunk) >= chunk_size:
            flush(chunk)
            chunk = []
    if chunk:
        flush(chunk)
    return counts


def _number(row, index) -> float:
    try:
        return float(row[index])
    except (IndexError, ValueError):
        return float("nan")
