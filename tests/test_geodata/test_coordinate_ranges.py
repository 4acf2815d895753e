"""Coordinates that cannot be what a boundary file says they are are refused before
anything is converted: degrees in a file that says British National Grid metres,
metres in one that says degrees, values like ±1e308, far from where the stated
coordinate system is used. Real files in any usual system still read."""

from __future__ import annotations

import geopandas as gpd
import pytest
from pyproj import CRS
from shapely.geometry import box

from geodata import BoundaryFileError, read_boundaries
from geodata.io import valid_range

from .helpers import squares, ward_frame, write


def declared(frame: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """The same numbers, said to be in another coordinate system."""
    return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=list(frame.geometry), crs=crs)


def with_first(geometry, crs: str, frame=None) -> gpd.GeoDataFrame:
    frame = ward_frame() if frame is None else frame
    return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=[geometry, *frame.geometry[1:]], crs=crs)


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:27700", "EPSG:3857", "EPSG:32630", "EPSG:4258"])
@pytest.mark.parametrize("name", ["wards.geojson", "wards.gpkg"])
def test_real_wards_read_in_any_usual_system(tmp_path, crs, name):
    if name.endswith(".geojson") and crs != "EPSG:4326":
        name = "wards.gpkg"  # GeoJSON is WGS84 by definition
    boundaries = read_boundaries(write(ward_frame().to_crs(crs), tmp_path / name))
    assert len(boundaries.wards) == 3
    assert boundaries.wards[0].geometry.bounds == pytest.approx(squares()[0].bounds, abs=1e-6)


def test_degrees_said_to_be_british_national_grid_metres_are_refused(tmp_path):
    path = write(declared(ward_frame(), "EPSG:27700"), tmp_path / "wards.gpkg")
    with pytest.raises(BoundaryFileError) as refused:
        read_boundaries(path)
    assert str(refused.value) == (
        "wards.gpkg: every coordinate (x -1.25 to -1.22, y 54.55 to 54.56) looks like longitude and latitude in "
        "degrees, but the file says EPSG:27700 (OSGB36 / British National Grid), whose coordinates are metres; "
        "supply it with its real coordinate system (for degrees, EPSG:4326). Nothing was imported."
    )


def test_metres_said_to_be_degrees_are_refused_with_a_hint(tmp_path):
    path = write(declared(ward_frame().to_crs("EPSG:27700"), "EPSG:4326"), tmp_path / "wards.geojson")
    with pytest.raises(BoundaryFileError) as refused:
        read_boundaries(path)
    message = str(refused.value)
    assert message.startswith(
        "wards.geojson: ward(s) E05000003 (Gamma), E05000001 (Alpha), E05000002 (Beta) lie "
        "far outside where EPSG:4326 (WGS 84) is used (x -180 to 180, y -90 to 90)"
    )
    assert "They look like British National Grid metres (EPSG:27700)." in message


@pytest.mark.parametrize(
    "crs, name", [("EPSG:4326", "wards.geojson"), ("EPSG:27700", "wards.gpkg"), ("EPSG:3857", "wards.gpkg")]
)
@pytest.mark.parametrize("corner", [1e308, -1e308, 1e12])
def test_coordinates_like_1e308_are_refused_naming_the_ward(tmp_path, crs, name, corner):
    frame = ward_frame().to_crs(crs)
    huge = box(min(0, corner), min(0, corner), max(0, corner), max(0, corner))
    path = write(with_first(huge, crs, frame), tmp_path / name)
    with pytest.raises(BoundaryFileError) as refused:
        read_boundaries(path)
    assert f"{name}: ward(s) E05000003 (Gamma) lie far outside where {crs} (" in str(refused.value)


def test_valid_range_is_where_the_system_is_used_with_a_margin():
    assert valid_range(CRS("EPSG:4326")) == (-180, -90, 180, 90)
    xmin, ymin, xmax, ymax = valid_range(CRS("EPSG:27700"))
    assert xmin < 0 < 700_000 < xmax and ymin < 0 < 1_300_000 < ymax  # all of Great Britain, and then some
    assert xmax < 1.2e6 and ymax < 2e6  # but not the world
    assert (
        valid_range(
            CRS.from_proj4("+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996 +x_0=400000 +y_0=-100000 +ellps=airy +units=m")
        )
        is None
    )  # says nothing of where: not judged
