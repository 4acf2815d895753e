import io

import pytest

from engage.geography.boundaries import current_boundary_set
from engage.geography.locating import (
    LocateCsvError,
    locate_csv,
    locate_grid_reference,
    locate_lonlat,
)
from geodata import CoordinateError, GridRefError


def test_locates_lon_lat_and_grid_references_in_the_current_set(db):
    found = locate_lonlat(current_boundary_set(), "-1.2345", "54.5742")
    assert (found.lad_name, found.vintage) == ("Middlesbrough", "2018-12")
    by_grid = locate_grid_reference(current_boundary_set(), "NZ 4966 1942")
    assert by_grid.lad_code == "E06000002"
    assert locate_lonlat(current_boundary_set(), -0.1276, 51.5072) is None  # London


@pytest.mark.parametrize("lon, lat", [("abc", "54.5"), ("nan", "54.5"), ("-1.2", "95"), ("200", "54")])
def test_bad_coordinates_say_what_is_wrong(db, lon, lat):
    with pytest.raises(CoordinateError):
        locate_lonlat(current_boundary_set(), lon, lat)


def test_malformed_grid_reference(db):
    with pytest.raises(GridRefError):
        locate_grid_reference(current_boundary_set(), "NZ 496 1942")


def test_csv_gets_a_ward_code_column_and_keeps_the_others(db):
    source = io.StringIO("id,lon,lat,note\n1,-1.2345,54.5742,middlesbrough\n2,-0.1276,51.5072,london\n3,x,y,junk\n")
    out = io.StringIO()
    counts = locate_csv(current_boundary_set(), source, out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "id,lon,lat,note,ward_code"
    assert lines[1].startswith("1,-1.2345,54.5742,middlesbrough,E0500")
    assert lines[2] == "2,-0.1276,51.5072,london,"
    assert lines[3] == "3,x,y,junk,"
    assert counts == {"rows": 3, "located": 1, "outside": 1, "invalid": 1}


def test_csv_without_lon_lat_columns_is_refused(db):
    with pytest.raises(LocateCsvError, match="found: x, y"):
        locate_csv(current_boundary_set(), io.StringIO("x,y\n1,2\n"), io.StringIO())
