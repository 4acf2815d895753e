"""OS grid references, longitude/latitude checks and British National Grid to WGS84."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import bng
import numpy as np

if TYPE_CHECKING:
    from pyproj import Transformer

# Extent of the British National Grid lettered squares (7 x 13 squares of 100 km).
MAX_EASTING = 700_000
MAX_NORTHING = 1_300_000


class GridRefError(ValueError):
    """Text that is not a usable OS grid reference."""


class CoordinateError(ValueError):
    """A coordinate that is not a number or is out of range."""


_GRIDREF = re.compile(r"([A-Z]{2})(\d*)")


def parse_grid_reference(text: str) -> tuple[float, float]:
    """(easting, northing) in metres of the centre of the square a grid reference names.

    The centre, not the south-west corner, because a reference like NZ41 stands for a
    whole 10 km square: its centre is the least wrong single point within it.
    """
    if not isinstance(text, str):
        raise GridRefError(f"grid reference must be text, got {text!r}")
    compact = "".join(text.split()).upper()
    if not compact:
        raise GridRefError("grid reference is empty")
    match = _GRIDREF.fullmatch(compact)
    if not match or not 2 <= len(match[2]) <= 10:
        raise GridRefError(f"grid reference {text!r}: expected two letters then 2 to 10 digits")
    letters, digits = match.groups()
    if len(digits) % 2:
        raise GridRefError(
            f"grid reference {text!r}: odd number of digits ({len(digits)}); "
            "eastings and northings need the same number of digits"
        )
    half = len(digits) // 2
    # bng owns the 100 km letter table (easy to get subtly wrong by hand: no I,
    # false origin at SV) but only takes 4 to 10 figures. A 2-figure 10 km square
    # has the same SW corner as the 4-figure reference with zeros appended to
    # each half (NZ41 -> NZ4010), so pad rather than duplicate the table.
    padded = digits if half > 1 else f"{digits[0]}0{digits[1]}0"
    try:
        easting, northing = bng.to_osgb36(letters + padded)
    except bng.BNGError:
        raise GridRefError(f"grid reference {text!r}: unknown 100 km square {letters!r}") from None
    size = 10 ** (5 - half)  # side of the referenced square in metres
    return easting + size / 2, northing + size / 2


def grid_reference_at(lon: Any, lat: Any, figures: int = 8) -> str:
    """The OS grid reference of the square of `figures` digits (4 to 10) holding a WGS84
    point, spaced as people read it: 'NZ 4931 1968'.

    Eight figures (a 10 m square) by default: a phone's GPS or a tap on a map is rarely
    better than that, so more digits would claim a precision the point does not have.
    """
    x, y = validate_lonlat(lon, lat)
    easting, northing = _wgs84_to_bng().transform(x, y)
    if not (0 <= easting < MAX_EASTING and 0 <= northing < MAX_NORTHING):
        raise CoordinateError(f"({x:g}, {y:g}) is outside the British National Grid")
    try:
        compact = bng.from_osgb36((int(easting), int(northing)), figs=figures)
    except bng.BNGError as exc:
        raise CoordinateError(f"no grid reference for ({x:g}, {y:g}): {exc}") from None
    half = (len(compact) - 2) // 2
    return f"{compact[:2]} {compact[2 : 2 + half]} {compact[2 + half :]}"


def validate_lonlat(lon: Any, lat: Any) -> tuple[float, float]:
    """Numbers or numeric strings -> (lon, lat) floats, or CoordinateError saying which."""
    x = _number("lon", lon)
    y = _number("lat", lat)
    if not -180 <= x <= 180:
        raise CoordinateError(f"lon must be between -180 and 180, got {x:g}")
    if not -90 <= y <= 90:
        raise CoordinateError(f"lat must be between -90 and 90, got {y:g}")
    return x, y


def _number(label: str, value: Any) -> float:
    # bool is an int subclass; True as a coordinate is always a bug upstream.
    if isinstance(value, bool):
        raise CoordinateError(f"{label} must be a number, got {value!r}")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise CoordinateError(f"{label} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise CoordinateError(f"{label} must be a finite number, got {value!r}")
    return number


@lru_cache(maxsize=1)
def _bng_to_wgs84() -> Transformer:
    # Building a Transformer costs milliseconds; transforming one point, microseconds.
    # pyproj >= 3.1 Transformers are thread-safe, so one shared instance is fine.
    from pyproj import Transformer  # heavy (0.1 s): loaded on first use (issue #20)

    return Transformer.from_crs(27700, 4326, always_xy=True)


@lru_cache(maxsize=1)
def _wgs84_to_bng() -> Transformer:
    from pyproj import Transformer  # heavy (0.1 s): loaded on first use (issue #20)

    return Transformer.from_crs(4326, 27700, always_xy=True)


def bng_to_wgs84(easting: Any, northing: Any) -> tuple[Any, Any]:
    """British National Grid metres -> (lon, lat) in WGS84.

    Scalars are validated (CoordinateError). Arrays are transformed in one call and
    points outside the grid come back as NaN, so one bad row does not sink a batch.
    """
    transformer = _bng_to_wgs84()
    if np.ndim(easting) == 0 and np.ndim(northing) == 0:
        e, n = _number("easting", easting), _number("northing", northing)
        if not 0 <= e <= MAX_EASTING:
            raise CoordinateError(f"easting must be between 0 and {MAX_EASTING}, got {e:g}")
        if not 0 <= n <= MAX_NORTHING:
            raise CoordinateError(f"northing must be between 0 and {MAX_NORTHING}, got {n:g}")
        lon, lat = transformer.transform(e, n)
        return float(lon), float(lat)
    e, n = np.broadcast_arrays(np.asarray(easting, dtype=float), np.asarray(northing, dtype=float))
    outside = ~((e >= 0) & (e <= MAX_EASTING) & (n >= 0) & (n <= MAX_NORTHING))
    lon, lat = transformer.transform(e, n)
    return np.where(outside, np.nan, lon), np.where(outside, np.nan, lat)
