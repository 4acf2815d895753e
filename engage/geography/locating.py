"""Which ward is this point in?

One spatial index per boundary set, built on first use and kept for the life of the
process (keyed so that a re-imported or changed set gets a new one).
"""

from __future__ import annotations

import collections
import csv
import itertools
import operator
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
    outside, or when the row has no valid lon/lat). Streams the file in chunks of lines:
    each chunk's coordinates are parsed as two arrays and located in one vectorised
    query. A chunk the csv module would read as plain comma-separated lines (no quotes,
    every line the same number of fields) is copied line by line with its codes
    appended; any other goes through the csv module. Either way the output is what
    csv.writer writes for the rows csv.reader reads. Returns counts."""
    reader = csv.reader(source)
    try:
        header = next(reader)
    except StopIteration:
        raise LocateCsvError("the CSV file is empty: expected a header row with lon,lat columns") from None
    except csv.Error as exc:
        raise LocateCsvError(f"line {reader.line_num}: {exc}") from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in ("lon", "lat") if c not in names]
    if missing:
        raise LocateCsvError(
            f"the CSV header has no {' or '.join(missing)} column (found: {', '.join(header) or 'nothing'})"
        )
    lon_i, lat_i = names.index("lon"), names.index("lat")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header + ["ward_code"])
    locator = locator_for(boundary_set).locator
    # What each position locate_indices gives is written as: a ward code, or nothing.
    codes = np.array([*locator.codes, ""], dtype=object)
    tails = np.array([f",{code}\n" for code in codes], dtype=object)
    counts = {"rows": 0, "located": 0, "outside": 0, "invalid": 0}
    lines_read = reader.line_num
    while lines := list(itertools.islice(source, chunk_size)):
        plain = _plain_records(lines, max(lon_i, lat_i))
        if plain is not None:
            records, width = plain
            fields = ",".join(records).split(",")
            lons, lats = _numbers(fields[lon_i::width]), _numbers(fields[lat_i::width])
            del fields
            lines_read += len(lines)
        else:
            rows, lines_read = _csv_rows(lines, source, lines_read)
            lons, lats = _numbers(_column(rows, lon_i)), _numbers(_column(rows, lat_i))
        bad = ~(np.isfinite(lons) & np.isfinite(lats)) | (np.abs(lons) > 180) | (np.abs(lats) > 90)
        lons[bad] = np.nan
        index = locator.locate_indices(lons, lats)
        if plain is not None:
            out.write("".join(map(str.__add__, records, tails[index].tolist())))
        else:
            collections.deque(map(list.append, rows, codes[index].tolist()), maxlen=0)  # each row gains its code
            writer.writerows(rows)
        found, invalid = int(np.count_nonzero(index < len(locator))), int(np.count_nonzero(bad))
        counts["rows"] += len(index)
        counts["located"] += found
        counts["invalid"] += invalid
        counts["outside"] += len(index) - found - invalid
    return counts


def _plain_records(lines: list[str], last_column: int) -> tuple[list[str], int] | None:
    """The lines without their line ends, and how many fields each has, when csv.reader
    would read each line as one row split at every comma: no quote, no blank line, no
    carriage return but in a line's CRLF end, and every line with the same number of
    fields, at least last_column + 1. Otherwise None."""
    text = "".join(lines)
    if '"' in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    records = text.split("\n")
    if records[-1] == "":  # the last line's end; a file's last line may have none
        records.pop()
    if "" in records:  # csv.reader reads a blank line as a row with no fields
        return None
    commas = records[0].count(",")
    if commas < last_column or any(map(commas.__ne__, map(str.count, records, itertools.repeat(",")))):
        return None
    return records, commas + 1


def _csv_rows(lines: list[str], source: TextIO, lines_read: int) -> tuple[list[list[str]], int]:
    """The rows csv.reader reads from these lines (and from the source's next lines when
    the last row's quoted field goes on past them), and the lines read so far."""
    parser = csv.reader(itertools.chain(lines, source))
    rows = []
    try:
        for row in parser:
            rows.append(row)
            if parser.line_num >= len(lines):
                break
    except csv.Error as exc:  # a quoted field over csv.field_size_limit(), a stray line end
        raise LocateCsvError(f"line {lines_read + parser.line_num}: {exc}") from None
    return rows, lines_read + parser.line_num


def _column(rows: list[list[str]], index: int) -> list[str]:
    """Column `index` of the rows, "" where a row is too short to have it."""
    try:
        return list(map(operator.itemgetter(index), rows))
    except IndexError:
        return [row[index] if index < len(row) else "" for row in rows]


def _numbers(texts: list[str]) -> np.ndarray:
    """The texts as floats, as float() reads them; NaN where one is not a number."""
    try:
        return np.array(texts, dtype=object).astype(float)  # float() of each, in C
    except ValueError:  # some text is not a number: those, one by one
        return np.array([_number(text) for text in texts], dtype=float)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")
