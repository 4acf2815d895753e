"""Tiny ward boundary files for the tests, written with geopandas."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

# 0.01-degree squares in a row west to east, near Middlesbrough: each shares an
# edge with the next, the first and third do not touch. Codes are deliberately
# not in west-to-east order, so nothing can pass by relying on file order.
ORIGIN = (-1.25, 54.55)
STEP = 0.01


def squares(n: int = 3) -> list:
    x0, y0 = ORIGIN
    return [box(x0 + i * STEP, y0, x0 + (i + 1) * STEP, y0 + STEP) for i in range(n)]


def ward_frame(
    columns: dict[str, list] | None = None, geometry: list | None = None, crs: object = 4326
) -> gpd.GeoDataFrame:
    """Three wards with ONS 2023 columns unless told otherwise."""
    if columns is None:
        columns = {
            "WD23CD": ["E05000003", "E05000001", "E05000002"],
            "WD23NM": ["Gamma", "Alpha", "Beta"],
            "LAD23CD": ["E06000002"] * 3,
            "LAD23NM": ["Middlesbrough"] * 3,
        }
    return gpd.GeoDataFrame(columns, geometry=geometry or squares(), crs=crs)


def write(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """Write by suffix; .zip means a Shapefile's parts zipped flat."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        parts = path.parent / (path.stem + "_parts")
        parts.mkdir()
        shp = write(frame, parts / (path.stem + ".shp"))
        with zipfile.ZipFile(path, "w") as archive:
            for part in sorted(parts.iterdir()):
                if part.stem == shp.stem:
                    archive.write(part, part.name)
        return path
    driver = {".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "ESRI Shapefile", ".gpkg": "GPKG"}[suffix]
    frame.to_file(path, driver=driver)
    return path
