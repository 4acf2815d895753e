"""Locator on three hand-made squares (see helpers.squares)."""

import math

import numpy as np
import pytest
from shapely.geometry import box

from geodata import Locator

from .helpers import ORIGIN, STEP, squares

X0, Y0 = ORIGIN
# West to east: Gamma, Alpha, Beta (codes deliberately out of spatial order).
CODES = ["E05000003", "E05000001", "E05000002"]


@pytest.fixture
def locator() -> Locator:
    return Locator(list(zip(CODES, squares())))


def centre(i: int) -> tuple[float, float]:
    return X0 + (i + 0.5) * STEP, Y0 + 0.5 * STEP


def test_locate_inside_each_square(locator):
    for i, code in enumerate(CODES):
        assert locator.locate(*centre(i)) == code


def test_locate_outside_is_none(locator):
    assert locator.locate(X0 - 1, Y0) is None
    assert locator.locate(X0 + 0.5 * STEP, Y0 + 2 * STEP) is None


def test_shared_edge_gives_lowest_code(locator):
    # The edge between Gamma (E05000003) and Alpha (E05000001).
    assert locator.locate(X0 + STEP, Y0 + 0.5 * STEP) == "E05000001"
    # The edge between Alpha (E05000001) and Beta (E05000002).
    assert locator.locate(X0 + 2 * STEP, Y0 + 0.5 * STEP) == "E05000001"


def test_shared_vertex_gives_lowest_code(locator):
    assert locator.locate(X0 + 2 * STEP, Y0) == "E05000001"


def test_outer_boundary_counts_as_inside(locator):
    assert locator.locate(X0, Y0 + 0.5 * STEP) == "E05000003"


def test_tie_break_independent_of_input_order():
    reversed_locator = Locator(list(zip(CODES, squares()))[::-1])
    assert reversed_locator.locate(X0 + STEP, Y0 + 0.5 * STEP) == "E05000001"


def test_locate_nan_or_inf_is_none(locator):
    assert locator.locate(math.nan, Y0) is None
    assert locator.locate(X0, math.inf) is None


def test_locate_many_matches_locate(locator):
    rng = np.random.default_rng(7)
    lons = rng.uniform(X0 - STEP, X0 + 4 * STEP, 2000)
    lats = rng.uniform(Y0 - STEP, Y0 + 2 * STEP, 2000)
    # Add boundary points, where the tie-break matters.
    lons = np.append(lons, [X0 + STEP, X0 + 2 * STEP, X0 + 2 * STEP])
    lats = np.append(lats, [Y0 + 0.5 * STEP, Y0 + 0.5 * STEP, Y0])
    many = locator.locate_many(lons, lats)
    assert many == [locator.locate(x, y) for x, y in zip(lons, lats)]
    assert many[-3:] == ["E05000001"] * 3
    assert {c for c in many if c} == set(CODES)


def test_locate_many_nan_and_lists(locator):
    lons = [centre(0)[0], math.nan, centre(2)[0], X0 - 1]
    lats = [centre(0)[1], Y0, math.nan, Y0]
    assert locator.locate_many(lons, lats) == ["E05000003", None, None, None]


def test_locate_indices_are_positions_in_codes(locator):
    lons = [centre(0)[0], math.nan, centre(2)[0], X0 - 1, X0 + STEP]
    lats = [centre(0)[1], Y0, centre(2)[1], Y0, Y0 + 0.5 * STEP]
    index = locator.locate_indices(lons, lats)
    assert index.dtype == np.intp
    assert [locator.codes[i] if i < len(locator) else None for i in index] == locator.locate_many(lons, lats)
    assert index.tolist()[1::2] == [len(locator), len(locator)]


def test_locate_many_empty(locator):
    assert locator.locate_many(np.array([]), np.array([])) == []


def test_locate_many_shape_mismatch(locator):
    with pytest.raises(ValueError, match="3 longitudes but 2 latitudes"):
        locator.locate_many([1, 2, 3], [1, 2])


def test_neighbours(locator):
    assert locator.neighbours("E05000001") == ["E05000002", "E05000003"]
    assert locator.neighbours("E05000003") == ["E05000001"]
    assert locator.neighbours("E05000002") == ["E05000001"]


def test_neighbours_touching_at_a_corner():
    corner = box(X0 + STEP, Y0 + STEP, X0 + 2 * STEP, Y0 + 2 * STEP)
    locator = Locator([("A", squares(1)[0]), ("B", corner)])
    assert locator.neighbours("A") == ["B"]


def test_neighbours_unknown_code(locator):
    with pytest.raises(KeyError, match="E05999999"):
        locator.neighbours("E05999999")


def test_codes_and_bounds(locator):
    assert locator.codes == sorted(CODES)
    assert len(locator) == 3
    assert locator.bounds == pytest.approx((X0, Y0, X0 + 3 * STEP, Y0 + STEP))


def test_duplicate_codes_refused():
    with pytest.raises(ValueError, match="duplicate ward codes: A"):
        Locator([("A", squares(1)[0]), ("A", squares(2)[1])])


def test_missing_geometry_refused():
    with pytest.raises(ValueError, match="ward A has no geometry"):
        Locator([("A", None)])  # type: ignore[list-item]
