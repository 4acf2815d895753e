import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from geodata import (
    CoordinateError,
    GridRefError,
    bng_to_wgs84,
    grid_reference_at,
    parse_grid_reference,
    validate_lonlat,
)

# Grid references: centre of the referenced square ---------------------------
# The cases live in tests/cases/gridref.json, which the phone's geo.js is tested
# against too (tests/js/gridref.test.js), so the two cannot drift apart unseen.

CASES = json.loads((Path(__file__).parents[1] / "cases" / "gridref.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES["valid"], ids=lambda case: repr(case["text"]))
def test_grid_reference_gives_square_centre(case):
    assert parse_grid_reference(case["text"]) == (case["easting"], case["northing"])


@pytest.mark.parametrize("case", CASES["valid"], ids=lambda case: repr(case["text"]))
def test_grid_reference_lonlat(case):
    # The table's lon/lat, which the phone's own conversion is held to as well.
    lon, lat = bng_to_wgs84(case["easting"], case["northing"])
    tolerance = CASES["lonlat_tolerance_degrees"]
    assert lon == pytest.approx(case["lon"], abs=tolerance)
    assert lat == pytest.approx(case["lat"], abs=tolerance)


@pytest.mark.parametrize("case", CASES["invalid"], ids=lambda case: repr(case["text"]))
def test_bad_grid_references(case):
    text = case["text"]
    with pytest.raises(GridRefError, match=re.escape(case["error"])) as error:
        parse_grid_reference(text)
    if text is not None and text.strip():
        assert repr(text) in str(error.value)  # names the input


# Longitude / latitude --------------------------------------------------------


def test_valid_lonlat_numbers_and_strings():
    assert validate_lonlat(-1.2345, 54.5742) == (-1.2345, 54.5742)
    assert validate_lonlat(" -1.2345 ", "54.5742") == (-1.2345, 54.5742)
    assert validate_lonlat(-180, 90) == (-180.0, 90.0)
    assert validate_lonlat(np.float32(1.5), 2) == (1.5, 2.0)


@pytest.mark.parametrize(
    "lon, lat, message",
    [
        ("abc", 54, "lon must be a number, got 'abc'"),
        (-1, "", "lat must be a number, got ''"),
        (None, 54, "lon must be a number, got None"),
        (True, 54, "lon must be a number"),
        (math.nan, 54, "lon must be a finite number"),
        (-1, "inf", "lat must be a finite number"),
        (180.5, 54, "lon must be between -180 and 180, got 180.5"),
        (-1, -90.1, "lat must be between -90 and 90, got -90.1"),
    ],
)
def test_bad_lonlat(lon, lat, message):
    with pytest.raises(CoordinateError, match=message):
        validate_lonlat(lon, lat)


# British National Grid -> WGS84 ----------------------------------------------


def test_bng_to_wgs84_known_point():
    # NZ 4966 1942, Middlesbrough town centre. Expected values were taken from pyproj
    # when writing the test: this guards axis order and units (lon first, degrees),
    # not PROJ's accuracy; the real-data tests check the point lands in the right ward.
    lon, lat = bng_to_wgs84(449_665.0, 519_425.0)
    assert lon == pytest.approx(-1.23337, abs=1e-4)
    assert lat == pytest.approx(54.56762, abs=1e-4)


def test_bng_to_wgs84_accepts_numeric_strings():
    assert bng_to_wgs84("449665", "519425") == bng_to_wgs84(449_665, 519_425)


def test_bng_to_wgs84_vectorised_matches_scalar():
    eastings = np.array([449_665.0, 327_550.5, 530_500.0])
    northings = np.array([519_425.0, 672_950.5, 180_500.0])
    lons, lats = bng_to_wgs84(eastings, northings)
    assert lons.shape == (3,)
    for e, n, lon, lat in zip(eastings, northings, lons, lats):
        assert (lon, lat) == pytest.approx(bng_to_wgs84(e, n))


def test_bng_to_wgs84_array_out_of_grid_is_nan():
    lons, lats = bng_to_wgs84(np.array([449_665.0, -5.0, np.nan]), np.array([519_425.0] * 3))
    assert not math.isnan(lons[0])
    assert np.isnan(lons[1:]).all() and np.isnan(lats[1:]).all()


@pytest.mark.parametrize(
    "easting, northing, message",
    [
        (-1, 500_000, "easting must be between 0 and 700000, got -1"),
        (700_001, 500_000, "easting must be between 0 and 700000"),
        (400_000, 1_300_001, "northing must be between 0 and 1300000"),
        ("x", 500_000, "easting must be a number, got 'x'"),
        (400_000, math.inf, "northing must be a finite number"),
    ],
)
def test_bng_to_wgs84_scalar_validation(easting, northing, message):
    with pytest.raises(CoordinateError, match=message):
        bng_to_wgs84(easting, northing)


# WGS84 -> grid reference (a concern's page, for a point placed by GPS or on the map) --


def _figures(text):
    return len("".join(text.split())) - 2


# Squares of 100 m or more: the table's lon/lat are good to about 5 m, so a smaller
# square's centre could read as its neighbour.
@pytest.mark.parametrize(
    "case", [c for c in CASES["valid"] if 4 <= _figures(c["text"]) <= 6], ids=lambda c: repr(c["text"])
)
def test_the_grid_reference_of_a_square_centre_names_that_square(case):
    text = grid_reference_at(case["lon"], case["lat"], figures=_figures(case["text"]))
    assert parse_grid_reference(text) == (case["easting"], case["northing"])


def test_grid_reference_at_a_point_is_spaced_and_reads_back_within_its_square():
    text = grid_reference_at(-1.23337, 54.56762)
    assert re.fullmatch(r"NZ \d{4} \d{4}", text)
    lon, lat = bng_to_wgs84(*parse_grid_reference(text))
    assert lon == pytest.approx(-1.23337, abs=2e-4) and lat == pytest.approx(54.56762, abs=1e-4)


@pytest.mark.parametrize("lon, lat", [(-30.0, 54.5), (2.5, 40.0), ("x", 54.5)])
def test_no_grid_reference_off_the_grid(lon, lat):
    with pytest.raises(CoordinateError):
        grid_reference_at(lon, lat)
