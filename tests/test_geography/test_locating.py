import csv
import io
import math

import numpy as np
import pytest

from engage.geography.boundaries import current_boundary_set
from engage.geography.locating import (
    LocateCsvError,
    locate_csv,
    locate_grid_reference,
    locate_lonlat,
    locator_for,
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


# `wards locate --csv` streams: a chunk of plain lines is copied line by line with its
# codes appended, any other goes through the csv module. Either way the output must be
# what the csv module writes for the rows it reads, each located on its own: that rule,
# row by row, is the reference below.
def _reference(text: str, newline: str | None):
    rows = list(csv.reader(_source(text, newline)))
    header, rows = rows[0], rows[1:]
    names = [h.strip().lower() for h in header]
    lon_i, lat_i = names.index("lon"), names.index("lat")
    locator = locator_for(current_boundary_set()).locator
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header + ["ward_code"])
    counts = {"rows": 0, "located": 0, "outside": 0, "invalid": 0}
    for row in rows:
        try:
            lon, lat = float(row[lon_i]), float(row[lat_i])
        except (IndexError, ValueError):
            lon = lat = math.nan
        valid = math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90
        code = locator.locate(lon, lat) if valid else None
        writer.writerow(row + [code or ""])
        counts["rows"] += 1
        counts["located" if code else "outside" if valid else "invalid"] += 1
    return out.getvalue(), counts


def _source(text: str, newline: str | None):
    """As the command opens a file (newline=""), or a StringIO as a caller may pass."""
    if newline is None:
        return io.StringIO(text)
    return io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8", newline=newline)


HEADER = "id,lon,lat,note\n"
CSV_BODIES = {
    "plain": "1,-1.2345,54.5742,a\n2,-0.1276,51.5072,b\n3,-1.3,54.6,c\n",
    "crlf": "1,-1.2345,54.5742,a\r\n2,-0.1276,51.5072,b\r\n3,-1.3,54.6,c\r\n",
    "no final line end": "1,-1.2345,54.5742,a\n2,-1.3,54.6,b",
    "quoted comma": '1,-1.2345,54.5742,"x, y"\n2,-1.3,54.6,b\n',
    "quoted numbers": '1,"-1.2345","54.5742",a\n2,-1.3,54.6,""\n',
    "line end in a quoted field": '1,-1.2345,54.5742,"one\ntwo"\n2,-1.3,54.6,"three\r\nfour\nfive"\n3,-1.3,54.6,c\n',
    "unclosed quote at the end": '1,-1.2345,54.5742,a\n2,-1.3,54.6,"open\n',
    "blank lines": "1,-1.2345,54.5742,a\n\n2,-1.3,54.6,b\n\n",
    "short and long rows": "1,-1.2345\n2\n3,-1.3,54.6,c,extra,more\n4,-1.3,54.6,d\n",
    "bad numbers": (
        "1,abc,54.5,a\n2,nan,54.5,b\n3,-1.2,95,c\n4,200,54,d\n5,inf,54,e\n6, -1.2345 ,54.5742,f\n"
        "7,1_0,54,g\n8,,,h\n9,-1.2345,1e400,i\n10,\u0661,54,j\n11,-1.2345,54.5742,k\n"
    ),
    "text beyond ascii": "1,-1.2345,54.5742,café ☕\n2,-1.3,54.6,\u2028x\x0by\x00z\n",
    "lone carriage returns": "1,-1.2345,54.5742,a\r2,-1.3,54.6,b\r",
}


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 50_000])
@pytest.mark.parametrize("newline", ["", None], ids=["file", "stringio"])
@pytest.mark.parametrize("body", CSV_BODIES.values(), ids=CSV_BODIES.keys())
def test_csv_output_is_the_csv_modules_row_by_row(db, body, newline, chunk_size):
    text = HEADER + body
    try:
        expected, expected_counts = _reference(text, newline)
    except csv.Error:  # a lone CR in a StringIO: the csv module refuses the line
        with pytest.raises(LocateCsvError, match="line 2"):
            locate_csv(current_boundary_set(), _source(text, newline), io.StringIO(), chunk_size=chunk_size)
        return
    out = io.StringIO()
    counts = locate_csv(current_boundary_set(), _source(text, newline), out, chunk_size=chunk_size)
    assert out.getvalue() == expected
    assert counts == expected_counts


def test_csv_of_many_points_agrees_with_locating_each(db):
    locator = locator_for(current_boundary_set()).locator
    minx, miny, maxx, maxy = locator.bounds
    rng = np.random.default_rng(20)
    points = zip(rng.uniform(minx, maxx, 3000).tolist(), rng.uniform(miny, maxy, 3000).tolist())
    text = "lat,ref,lon\n" + "".join(f"{y:.6f},p{i},{x:.6f}\n" for i, (x, y) in enumerate(points))
    text += "0,bad,x\n"  # one chunk of the three goes through the csv path's fallbacks
    out = io.StringIO()
    counts = locate_csv(current_boundary_set(), io.StringIO(text), out, chunk_size=1000)
    expected, expected_counts = _reference(text, None)
    assert out.getvalue() == expected
    assert counts == expected_counts
    assert counts["located"] > 1000 and counts["invalid"] == 1


def test_csv_the_csv_module_cannot_read_is_refused_with_its_line(db):
    text = f'lon,lat,note\n-1.2345,54.5742,a\n-1.3,54.6,"{"x" * (csv.field_size_limit() + 1)}"\n'
    with pytest.raises(LocateCsvError, match="line 3: field larger than field limit"):
        locate_csv(current_boundary_set(), io.StringIO(text), io.StringIO())
