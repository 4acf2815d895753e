import math

import numpy as np
import pytest

from geodata import (
    CoordinateError,
    GridRefError,
    bng_to_wgs84,
    parse_grid_reference,
    validate_lonlat,
)

# Grid references: centre of the referenced square ---------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("NZ41", (445_000.0, 515_000.0)),  # 10 km square
        ("NZ4919", (449_500.0, 519_500.0)),  # 1 km
        ("NZ496194", (449_650.0, 519_450.0)),  # 100 m
        ("NZ 4966 1942", (449_665.0, 519_425.0)),  # 10 m
        ("NZ4966119425", (449_661.5, 519_425.5)),  # 1 m
    ],
)
def test_each_precision_gives_square_centre(text, expected):
    assert parse_grid_reference(text) == expected


@pytest.mark.parametrize(
    "text", ["NZ 4966 1942", "NZ49661942", "nz49661942", "  Nz 4966\t1942 ", "N Z 49661942"]
)
def test_spacing_and_case_ignored(text):
    assert parse_grid_reference(text) == (449_665.0, 519_425.0)


def test_two_digit_lower_case_with_space():
    assert parse_grid_reference("nz 4 1") == (445_000.0, 515_000.0)
    assert parse_grid_reference("nz 49 19") == (449_500.0, 519_500.0)


def test_bng_documentation_example():
    # bng's own doc: NT2755072950 -> (327550, 672950), the SW corner of a 1 m square.
    assert parse_grid_reference("NT2755072950") == (327_550.5, 672_950.5)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("SV0000", (500.0, 500.0)),  # false origin square
        ("HP6000", (460_500.0, 1_200_500.0)),  # Shetland
        ("TQ3080", (530_500.0, 180_500.0)),  # London
        ("HU431392", (443_150.0, 1_139_250.0)),
    ],
)
def test_letters_across_the_grid(text, expected):
    assert parse_grid_reference(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("NZ123", "odd number of digits"),
        ("NZ 496 19", "odd number of digits"),
        ("NZ4", "expected two letters then 2 to 10 digits"),
        ("NZ", "expected two letters then 2 to 10 digits"),
        ("NZ123456789012", "expected two letters then 2 to 10 digits"),
        ("449665 519425", "expected two letters then 2 to 10 digits"),
        ("N 4966 1942", "expected two letters then 2 to 10 digits"),
        ("NZ49-19", "expected two letters then 2 to 10 digits"),
        ("NI 4966 1942", "unknown 100 km square 'NI'"),
        ("XX1234", "unknown 100 km square 'XX'"),
        ("ZZ1234", "unknown 100 km square 'ZZ'"),
    ],
)
def test_bad_grid_references(text, message):
    with pytest.raises(GridRefError, match=message) as error:
        parse_grid_reference(text)
    if text.strip():
        assert repr(text) in str(error.value)  # names the input


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_grid_reference(text):
    with pytest.raises(GridRefError, match="empty"):
        parse_grid_reference(text)


def test_grid_reference_must_be_text():
    with pytest.raises(GridRefError, match="must be text"):
        parse_grid_reference(None)  # type: ignore[arg-type]


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
