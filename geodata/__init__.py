"""Ward boundaries for the Cleveland police area: reading, grid references, point lookup.

Plain Python on plain values, so the web app, scripts and benchmarks can share it
without importing Flask.
"""

from geodata.gridref import (
    CoordinateError,
    GridRefError,
    bng_to_wgs84,
    grid_reference_at,
    parse_grid_reference,
    validate_lonlat,
)
from geodata.lookup import Locator

# Reading boundary files needs geopandas, pandas and pyogrio (about half a second to
# import): geodata.io loads on first use of one of its names, so that looking points up
# (the web app, `wards locate`) never pays for it (issue #20, PEP 562).
_IO_NAMES = frozenset({"BoundaryFile", "BoundaryFileError", "WardRecord", "read_boundaries", "recognise_columns"})


def __getattr__(name: str):
    if name in _IO_NAMES:
        from geodata import io  # heavy: loaded on first use (issue #20)

        return getattr(io, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _IO_NAMES)


# Hartlepool, Middlesbrough, Redcar and Cleveland, Stockton-on-Tees: the four unitary
# authorities that make up the Cleveland police force area.
CLEVELAND_LADS: tuple[str, ...] = ("E06000001", "E06000002", "E06000003", "E06000004")

__all__ = [
    "BoundaryFileError",
    "WardRecord",
    "BoundaryFile",
    "read_boundaries",
    "recognise_columns",
    "GridRefError",
    "parse_grid_reference",
    "CoordinateError",
    "validate_lonlat",
    "bng_to_wgs84",
    "grid_reference_at",
    "Locator",
    "CLEVELAND_LADS",
]
