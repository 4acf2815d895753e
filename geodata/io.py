"""Read ward boundary files into WGS84 records, refusing anything we could not trust.

Supported: GeoJSON, Shapefile (.shp), GeoPackage (.gpkg) and zipped Shapefile (.zip),
all through geopandas/pyogrio (GDAL), in any CRS that pyproj can transform.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

WGS84 = CRS.from_epsg(4326)
BNG = CRS.from_epsg(27700)

# Longest list of offending wards quoted in one message; the rest are counted.
_MAX_LISTED = 10

# How far beyond the area a coordinate system is defined for (its EPSG "area of use")
# a ward may lie: half that area's width or height again. Real wards are well inside
# theirs; a file whose coordinates are in another system than it says (degrees said to
# be metres, metres said to be degrees) or hold values like 1e308 is far outside.
_AREA_MARGIN = 0.5

# A zip is checked before GDAL opens it, so that a "zip bomb" (a small file that
# unpacks to gigabytes) is refused instead of filling memory or disk. All of Great
# Britain's wards as a Shapefile unpack to well under 1 GiB, and real Shapefile parts
# pack 2 to 20 times smaller, never 100.
MAX_UNZIPPED_BYTES = 2 * 1024**3
MAX_ZIP_RATIO = 100
MAX_ZIP_MEMBERS = 1000
_RATIO_FROM_BYTES = 1024 * 1024  # tiny parts (.cpg, .prj) may pack oddly: not judged


class BoundaryFileError(ValueError):
    """A boundary file that cannot be used; the message says what is wrong and where."""


@dataclass(frozen=True)
class WardRecord:
    code: str
    name: str
    lad_code: str | None
    lad_name: str | None
    geometry: BaseGeometry  # Polygon or MultiPolygon, WGS84 lon/lat


@dataclass
class BoundaryFile:
    path: str
    wards: list[WardRecord]
    vintage: str | None
    columns: dict[str, str | None]  # role -> source column used (None: absent)
    source_crs: str
    # True when the file had no CRS and one was inferred from the coordinates.
    crs_guessed: bool = False


# ONS attribute names carry the vintage year: WD18CD, LAD23NM, ... Welsh names
# (WD18NMW) deliberately fail the full match.
_ONS_COLUMN = re.compile(r"(wd|lad)(\d{2})(cd|nm)", re.IGNORECASE)
_ONS_ROLE = {
    ("wd", "cd"): "ward_code",
    ("wd", "nm"): "ward_name",
    ("lad", "cd"): "lad_code",
    ("lad", "nm"): "lad_name",
}
_ROLES = ("ward_code", "ward_name", "lad_code", "lad_name")
_HINT = {
    "ward_code": "WDyyCD or ward_code",
    "ward_name": "WDyyNM or ward_name",
    "lad_code": "LADyyCD or lad_code",
    "lad_name": "LADyyNM or lad_name",
}


def recognise_columns(columns: list[str]) -> dict[str, str | None]:
    """Map each role (ward_code, ward_name, lad_code, lad_name) to a source column."""
    candidates: dict[str, list[tuple[str, str | None]]] = {role: [] for role in _ROLES}
    for column in columns:
        text = str(column).strip().lower()
        match = _ONS_COLUMN.fullmatch(text)
        if match:
            role = _ONS_ROLE[(match[1], match[3])]
            candidates[role].append((column, match[2]))
        elif text in candidates:
            candidates[text].append((column, None))

    listing = ", ".join(str(c) for c in columns) or "(none)"
    codes = candidates["ward_code"]
    if not codes:
        raise BoundaryFileError(f"no ward code column ({_HINT['ward_code']}) found; found columns: {listing}")
    if len(codes) > 1:
        # Two ward sets in one file (say WD18CD and WD19CD): which one the user
        # means is a decision, not something to guess.
        names = ", ".join(str(c) for c, _ in codes)
        raise BoundaryFileError(f"several ward code columns found: {names}; keep only the ward set to load")
    code_column, year = codes[0]
    result: dict[str, str | None] = {"ward_code": code_column}
    for role in ("ward_name", "lad_code", "lad_name"):
        result[role] = _pick(role, candidates[role], year, listing)
    return result


def _pick(role: str, found: list[tuple[str, str | None]], year: str | None, listing: str) -> str | None:
    if len(found) > 1:
        # ONS files sometimes carry several years; the one matching the ward
        # code's year is the consistent choice.
        found = [item for item in found if item[1] == year] or found
    if len(found) > 1:
        names = ", ".join(str(c) for c, _ in found)
        raise BoundaryFileError(f"several {role.replace('_', ' ')} columns found: {names}")
    if found:
        return found[0][0]
    if role == "ward_name":
        raise BoundaryFileError(f"no ward name column ({_HINT[role]}) found; found columns: {listing}")
    return None


def read_boundaries(path: str | os.PathLike[str]) -> BoundaryFile:
    """Read, check and reproject a ward boundary file to WGS84."""
    file = Path(path)
    if not file.exists():
        raise BoundaryFileError(f"no such file: {path}")
    if not file.is_file():
        raise BoundaryFileError(f"not a file: {path}")
    if file.stat().st_size == 0:
        raise BoundaryFileError(f"{file.name}: file is empty")
    if file.suffix.lower() == ".zip" or zipfile.is_zipfile(file):
        check_zip(file)

    frame = _read_frame(file)
    if frame.empty:
        raise BoundaryFileError(f"{file.name}: no features")
    attributes = [c for c in frame.columns if c != frame.geometry.name]
    try:
        columns = recognise_columns(attributes)
    except BoundaryFileError as exc:
        raise BoundaryFileError(f"{file.name}: {exc}") from None

    crs, guessed = _source_crs(frame, file)
    rows = _checked_rows(frame, columns, file.name)
    check_coordinates(rows, crs, file.name)
    geometries = gpd.GeoSeries([geom for *_, geom in rows], crs=crs)
    if not crs.equals(WGS84, ignore_axis_order=True):
        geometries = geometries.to_crs(WGS84)
        lost = [code for (code, *_), geom in zip(rows, geometries) if not np.isfinite(geom.bounds).all()]
        if lost:
            raise BoundaryFileError(
                f"{file.name}: ward(s) {_listed(lost)} cannot be converted from "
                f"{_crs_label(crs)} to longitude and latitude"
            )
    wards = [
        WardRecord(code, name, lad_code, lad_name, geometry)
        for (code, name, lad_code, lad_name, _), geometry in zip(rows, geometries)
    ]
    return BoundaryFile(
        path=str(path),
        wards=wards,
        vintage=_vintage(frame, file),
        columns=columns,
        source_crs=_crs_label(crs),
        crs_guessed=guessed,
    )


def check_zip(file: Path, max_bytes: int | None = None, max_ratio: float | None = None) -> None:
    """Refuse a zip that unpacks to too much, packs too tightly, or is not what its
    directory says: the directory's sizes are checked first, then every member is
    unpacked once in chunks (kept nowhere), which also checks each one's CRC."""
    max_bytes = MAX_UNZIPPED_BYTES if max_bytes is None else max_bytes
    max_ratio = MAX_ZIP_RATIO if max_ratio is None else max_ratio
    try:
        with zipfile.ZipFile(file) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > MAX_ZIP_MEMBERS:
                raise BoundaryFileError(
                    f"{file.name}: the zip holds {len(members)} files; "
                    f"a zipped Shapefile has a handful (at most {MAX_ZIP_MEMBERS} are read)"
                )
            total = sum(m.file_size for m in members)
            if total > max_bytes:
                raise BoundaryFileError(
                    f"{file.name}: the zip unpacks to {total:,} bytes, more than the "
                    f"{max_bytes:,} allowed; refused unopened"
                )
            for m in members:
                if m.file_size >= _RATIO_FROM_BYTES and m.file_size > max_ratio * max(m.compress_size, 1):
                    raise BoundaryFileError(
                        f"{file.name}: {m.filename} unpacks {m.file_size / max(m.compress_size, 1):,.0f} times "
                        f"larger than it is packed (at most {max_ratio:g} times is believable); refused unopened"
                    )
            unpacked = 0
            for m in members:
                with archive.open(m) as stream:
                    while chunk := stream.read(1024 * 1024):
                        unpacked += len(chunk)
                        if unpacked > max_bytes:
                            raise BoundaryFileError(
                                f"{file.name}: the zip unpacks to more than the {max_bytes:,} bytes allowed"
                            )
    except (zipfile.BadZipFile, zlib.error) as exc:
        raise BoundaryFileError(f"{file.name}: not a readable zip file ({exc})") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        # e.g. an encrypted member, or an unsupported compression method
        raise BoundaryFileError(f"{file.name}: cannot read the zip ({exc})") from None


def _read_frame(file: Path) -> gpd.GeoDataFrame:
    try:
        # pyogrio opens .zip through GDAL's /vsizip/, so zipped Shapefiles need no unpacking.
        return gpd.read_file(file, engine="pyogrio")
    except (RuntimeError, ValueError, OSError) as exc:  # pyogrio errors are RuntimeErrors
        raise BoundaryFileError(f"cannot read {file.name}: {exc}") from exc


def _source_crs(frame: gpd.GeoDataFrame, file: Path) -> tuple[CRS, bool]:
    if frame.crs is not None:
        return CRS(frame.crs), False
    if file.suffix.lower() in (".geojson", ".json"):
        return WGS84, False  # RFC 7946: GeoJSON is always WGS84 lon/lat
    # No CRS usually means a Shapefile that lost its .prj. ONS publishes boundaries
    # either in British National Grid or in WGS84, and values beyond 1000 cannot be
    # degrees, so metres mean BNG.
    minx, miny, maxx, maxy = frame.total_bounds
    if max(abs(minx), abs(miny), abs(maxx), abs(maxy)) <= 1000:
        return WGS84, True
    if 0 <= minx and maxx <= 700_000 and 0 <= miny and maxy <= 1_300_000:
        return BNG, True
    raise BoundaryFileError(
        f"{file.name}: no CRS in the file and the coordinates "
        f"({minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}) are neither lon/lat nor "
        "British National Grid; supply the file with its CRS (.prj)"
    )


def valid_range(crs: CRS) -> tuple[float, float, float, float] | None:
    """(xmin, ymin, xmax, ymax) in the CRS's own coordinates: where it is defined for,
    widened by _AREA_MARGIN (never beyond ±180, ±90 in degrees), or None when the CRS
    does not say where it is used."""
    area = crs.area_of_use
    if area is None:
        return None
    if crs.is_geographic:
        bounds = area.bounds
    else:
        bounds = Transformer.from_crs(WGS84, crs, always_xy=True).transform_bounds(*area.bounds, densify_pts=21)
    if not np.isfinite(bounds).all():
        return None
    xmin, ymin, xmax, ymax = bounds
    dx, dy = (xmax - xmin) * _AREA_MARGIN, (ymax - ymin) * _AREA_MARGIN
    xmin, ymin, xmax, ymax = xmin - dx, ymin - dy, xmax + dx, ymax + dy
    if crs.is_geographic:
        xmin, ymin, xmax, ymax = max(xmin, -180), max(ymin, -90), min(xmax, 180), min(ymax, 90)
    return xmin, ymin, xmax, ymax


def check_coordinates(rows: list[Row], crs: CRS, file_name: str) -> None:
    """Refuse coordinates that cannot be what the file says they are, before anything
    is converted or stored."""
    bounds = np.array([geom.bounds for *_, geom in rows], dtype=float)
    codes = [code for code, *_ in rows]
    broken = [code for code, b in zip(codes, bounds) if not np.isfinite(b).all()]
    if broken:
        raise BoundaryFileError(
            f"{file_name}: ward(s) {_listed(broken)} have coordinates that are not numbers (NaN or infinite)"
        )
    label = f"{_crs_label(crs)} ({crs.name})"
    xmin, ymin = bounds[:, 0].min(), bounds[:, 1].min()
    xmax, ymax = bounds[:, 2].max(), bounds[:, 3].max()
    span = f"x {xmin:.6g} to {xmax:.6g}, y {ymin:.6g} to {ymax:.6g}"
    if crs.is_projected and max(abs(xmin), abs(xmax)) <= 180 and max(abs(ymin), abs(ymax)) <= 90:
        # Every ward within 180 by 90 units of the grid's origin: longitude and
        # latitude in a file that says it holds metres (or feet).
        raise BoundaryFileError(
            f"{file_name}: every coordinate ({span}) looks like longitude and latitude in degrees, but the file "
            f"says {label}, whose coordinates are {crs.axis_info[0].unit_name}s; supply it with its real "
            "coordinate system (for degrees, EPSG:4326). Nothing was imported."
        )
    valid = valid_range(crs)
    if valid is None:
        return
    vxmin, vymin, vxmax, vymax = valid
    outside = [
        f"{code} ({name})"
        for (code, name, *_), (x0, y0, x1, y1) in zip(rows, bounds)
        if x0 < vxmin or y0 < vymin or x1 > vxmax or y1 > vymax
    ]
    if outside:
        hint = ""
        if crs.is_geographic and BNG.area_of_use and _within(bounds, valid_range(BNG)):
            hint = " They look like British National Grid metres (EPSG:27700)."
        raise BoundaryFileError(
            f"{file_name}: ward(s) {_listed(outside)} lie far outside where {label} is used "
            f"(x {vxmin:.6g} to {vxmax:.6g}, y {vymin:.6g} to {vymax:.6g}); the file's coordinates span {span}. "
            f"Are they in another coordinate system than the file says?{hint} Nothing was imported."
        )


def _within(bounds, valid) -> bool:
    return valid is not None and bool(
        (bounds[:, 0] >= valid[0]).all()
        and (bounds[:, 1] >= valid[1]).all()
        and (bounds[:, 2] <= valid[2]).all()
        and (bounds[:, 3] <= valid[3]).all()
    )


def _crs_label(crs: CRS) -> str:
    authority = crs.to_authority()
    return f"{authority[0]}:{authority[1]}" if authority else crs.to_string()


Row = tuple[str, str, str | None, str | None, BaseGeometry]


def _checked_rows(frame: gpd.GeoDataFrame, columns: dict[str, str | None], file_name: str) -> list[Row]:
    def values(role: str) -> list[str | None]:
        column = columns[role]
        return [_text(v) for v in frame[column]] if column else [None] * len(frame)

    codes, names = values("ward_code"), values("ward_name")
    lad_codes, lad_names = values("lad_code"), values("lad_name")

    blank = [str(i + 1) for i, code in enumerate(codes) if code is None]
    if blank:
        raise BoundaryFileError(
            f"{file_name}: blank ward code in column {columns['ward_code']!r} for feature(s) {_listed(blank)}"
        )
    nameless = [code for code, name in zip(codes, names) if name is None]
    if nameless:
        raise BoundaryFileError(
            f"{file_name}: blank ward name in column {columns['ward_name']!r} for ward(s) {_listed(nameless)}"
        )
    repeated = [f"{code} ({n} features)" for code, n in Counter(codes).items() if n > 1]
    if repeated:
        raise BoundaryFileError(f"{file_name}: duplicate ward codes: {_listed(repeated)}")

    geometries = list(frame.geometry)
    problems = [
        f"ward {code} ({name}) {problem}"
        for code, name, geom in zip(codes, names, geometries)
        if (problem := _geometry_problem(geom))
    ]
    if problems:
        raise BoundaryFileError(f"{file_name}: {_listed(problems, sep='; ')}")

    # The lookup is 2-D; dropping Z keeps stored geometry simple.
    flat = [shapely.force_2d(geom) for geom in geometries]
    return list(zip(codes, names, lad_codes, lad_names, flat))  # type: ignore[arg-type]


def _geometry_problem(geom: BaseGeometry | None) -> str | None:
    if geom is None or geom.is_empty:
        return "has no geometry"
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return f"has a {geom.geom_type} geometry; expected Polygon or MultiPolygon"
    if not geom.is_valid:
        return f"has an invalid geometry: {explain_validity(geom)}"
    return None


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _listed(items: list[str], sep: str = ", ") -> str:
    shown = sep.join(items[:_MAX_LISTED])
    hidden = len(items) - _MAX_LISTED
    return f"{shown}{sep}and {hidden} more" if hidden > 0 else shown


def _vintage(frame: gpd.GeoDataFrame, file: Path) -> str | None:
    column = next((c for c in frame.columns if str(c).lower() == "vintage"), None)
    if column is not None:
        found = {_text(v) for v in frame[column]}
        if len(found) == 1 and None not in found:
            return found.pop()
    # Fall back on the file name: ONS and our shared files name releases by month.
    match = re.search(r"(?<!\d)(\d{4})-(0[1-9]|1[0-2])(?!\d)", file.name)
    return f"{match[1]}-{match[2]}" if match else None
