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
from geodata.io import (
    BoundaryFile,
    BoundaryFileError,
    WardRecord,
    read_boundaries,
    recognise_columns,
)
from geodata.lookup import Locator

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
