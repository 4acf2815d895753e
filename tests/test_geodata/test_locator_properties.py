"""Properties of the point-in-ward Locator over the real Cleveland wards (hypothesis).

Any float at all (NaN, infinities, the largest and smallest doubles, subnormals, -0.0)
gives a ward code or None, never an exception; NaN or an infinity gives None; a point
outside the wards' bounding box gives None; and locate_many answers, point by point,
exactly what locate answers.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
# Mostly around Cleveland, so that real wards (and their shared edges) are hit too.
NEAR = st.tuples(st.floats(-1.45, -0.78), st.floats(54.46, 54.74))
ANY_POINT = st.one_of(
    st.tuples(ANY_FLOAT, ANY_FLOAT),
    NEAR,
    st.tuples(st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, math.nan, math.inf]), ANY_FLOAT),
)


@pytest.fixture(scope="module")
def locator(locator_2018):
    return locator_2018


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(ANY_POINT)
def test_locate_never_fails(locator, point):
    lon, lat = point
    code = locator.locate(lon, lat)
    assert code is None or code in locator.codes
    if not (math.isfinite(lon) and math.isfinite(lat)):
        assert code is None
    minx, miny, maxx, maxy = locator.bounds
    if code is not None:
        assert minx <= lon <= maxx and miny <= lat <= maxy


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(ANY_POINT, max_size=40))
def test_locate_many_agrees_with_locate(locator, points):
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    assert locator.locate_many(lons, lats) == [locator.locate(x, y) for x, y in points]


@settings(max_examples=50, deadline=None, derandomize=True, database=None)
@given(st.lists(ANY_FLOAT, min_size=1, max_size=5), st.lists(ANY_FLOAT, min_size=6, max_size=8))
def test_locate_many_refuses_lists_of_different_lengths_plainly(locator, lons, lats):
    with pytest.raises(ValueError, match="longitudes but"):
        locator.locate_many(lons, lats)
