"""The real ONS ward files in ENGAGE_GEODATA_DIR (default <repo>/../shared/geodata)."""

from collections import Counter

import bng
import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import Point

from geodata import (
    CLEVELAND_LADS,
    BoundaryFileError,
    Locator,
    bng_to_wgs84,
    parse_grid_reference,
    read_boundaries,
)

MIDDLESBROUGH = "E06000002"


def test_2018_wards(wards_2018):
    assert len(wards_2018.wards) == 79
    assert wards_2018.vintage == "2018-12"
    assert wards_2018.source_crs == "EPSG:4326"
    assert Counter(w.lad_name for w in wards_2018.wards) == {
        "Hartlepool": 11,
        "Middlesbrough": 20,
        "Redcar and Cleveland": 22,
        "Stockton-on-Tees": 26,
    }
    assert sorted({w.lad_code for w in wards_2018.wards}) == list(CLEVELAND_LADS)
    assert all(w.code.startswith("E05") for w in wards_2018.wards)


def test_2013_wards(geodata_dir):
    wards = read_boundaries(geodata_dir / "wards-2013-12.geojson")
    assert len(wards.wards) == 82
    assert wards.vintage == "2013-12"
    assert Counter(w.lad_code for w in wards.wards)[MIDDLESBROUGH] == 23


def test_authority_file_is_not_a_ward_file(geodata_dir):
    with pytest.raises(BoundaryFileError) as error:
        read_boundaries(geodata_dir / "lad-2018-12.geojson")
    assert "found columns: lad_code, lad_name, vintage" in str(error.value)


def test_every_ward_locates_its_own_representative_point(wards_2018, locator_2018):
    points = [w.geometry.representative_point() for w in wards_2018.wards]
    codes = [w.code for w in wards_2018.wards]
    assert [locator_2018.locate(p.x, p.y) for p in points] == codes
    lons, lats = np.array([p.x for p in points]), np.array([p.y for p in points])
    assert locator_2018.locate_many(lons, lats) == codes


def test_middlesbrough_point(wards_2018, locator_2018):
    code = locator_2018.locate(-1.2345, 54.5742)
    lad = {w.code: w.lad_code for w in wards_2018.wards}
    assert code is not None and lad[code] == MIDDLESBROUGH


@pytest.mark.parametrize("lon, lat", [(-0.9, 54.7), (-0.1276, 51.5072)])  # North Sea, London
def test_outside_cleveland_is_none(locator_2018, lon, lat):
    assert locator_2018.locate(lon, lat) is None
    assert locator_2018.locate_many([lon], [lat]) == [None]


def shared_vertices(wards_2018) -> dict[tuple[float, float], list[str]]:
    """Exterior-ring vertices found in two or more wards, with those wards' codes."""
    owners: dict[tuple[float, float], set[str]] = {}
    for ward in wards_2018.wards:
        polygons = getattr(ward.geometry, "geoms", [ward.geometry])
        for polygon in polygons:
            for xy in polygon.exterior.coords:
                owners.setdefault(xy, set()).add(ward.code)
    return {xy: sorted(codes) for xy, codes in owners.items() if len(codes) > 1}


def test_shared_boundary_vertex_gives_lowest_code(wards_2018, locator_2018):
    shared = shared_vertices(wards_2018)
    assert len(shared) > 100
    geometry = {w.code: w.geometry for w in wards_2018.wards}
    two_way = sorted(xy for xy, codes in shared.items() if len(codes) == 2)
    xy = two_way[len(two_way) // 2]
    low, high = shared[xy]
    assert high in locator_2018.neighbours(low)
    assert geometry[low].intersects(Point(xy)) and geometry[high].intersects(Point(xy))
    assert locator_2018.locate(*xy) == low
    assert locator_2018.locate_many([xy[0]], [xy[1]]) == [low]
    # Same answer however the wards were ordered when the locator was built.
    reordered = Locator([(w.code, w.geometry) for w in reversed(wards_2018.wards)])
    assert reordered.locate(*xy) == low


def test_all_shared_vertices_agree_with_brute_force(wards_2018, locator_2018):
    shared = shared_vertices(wards_2018)
    xys = sorted(shared)
    lons, lats = np.array([x for x, _ in xys]), np.array([y for _, y in xys])
    expected = [min(w.code for w in wards_2018.wards if w.geometry.intersects(Point(xy))) for xy in xys]
    assert locator_2018.locate_many(lons, lats) == expected
    assert [locator_2018.locate(*xy) for xy in xys] == expected


def test_neighbours_are_symmetric(locator_2018):
    for code in locator_2018.codes:
        neighbours = locator_2018.neighbours(code)
        assert neighbours, f"{code} has no neighbours"
        assert code not in neighbours
        for other in neighbours:
            assert code in locator_2018.neighbours(other)


def test_bounds_cover_cleveland(locator_2018):
    minx, miny, maxx, maxy = locator_2018.bounds
    assert -1.5 < minx < maxx < -0.7 and 54.4 < miny < maxy < 54.8


def test_grid_reference_locates_to_ward(wards_2018, locator_2018):
    to_bng = Transformer.from_crs(4326, 27700, always_xy=True)
    for ward in wards_2018.wards:
        point = ward.geometry.representative_point()
        easting, northing = to_bng.transform(point.x, point.y)
        ref = bng.from_osgb36((easting, northing), figs=10)  # e.g. 'NZ4966119425'
        spaced = f"{ref[:2]} {ref[2:7]} {ref[7:]}"
        lon, lat = bng_to_wgs84(*parse_grid_reference(spaced))
        assert locator_2018.locate(lon, lat) == ward.code, (ward.name, spaced)


def test_locate_many_on_100k_points_agrees_with_single_lookups(locator_2018):
    # Speed is measured in bench/locate.py, never here; this checks the batch path is right.
    rng = np.random.default_rng(0)
    minx, miny, maxx, maxy = locator_2018.bounds
    lons, lats = rng.uniform(minx, maxx, 100_000), rng.uniform(miny, maxy, 100_000)
    codes = locator_2018.locate_many(lons, lats)
    assert len(codes) == 100_000
    assert 0.2 < sum(c is not None for c in codes) / len(codes) < 0.8  # land and sea
    for i in rng.choice(100_000, 2_000, replace=False):
        assert codes[i] == locator_2018.locate(lons[i], lats[i])
