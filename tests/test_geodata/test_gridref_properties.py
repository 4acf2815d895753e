"""Properties of the grid-reference parser, over generated input (hypothesis).

- Whatever it is given (any text, any object), it answers a point or raises
  GridRefError: never another exception.
- A point it answers is on the grid.
- Round trip: a reference written for any point of the grid parses to the centre of
  the square it names, and that centre is written as the same reference again.
"""

from __future__ import annotations

import bng
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata import GridRefError, parse_grid_reference
from geodata.gridref import MAX_EASTING, MAX_NORTHING

# Text that looks like a grid reference more often than random text does.
LETTER = st.sampled_from("ABCDEFGHJKLMNOPQRSTUVWXYZ" + "abcdefghijklmnopqrstuvwxyz" + "I i0O")
NEAR_MISS = st.builds(
    lambda a, b, digits, spaces: a + spaces + b + spaces + digits,
    LETTER,
    LETTER,
    st.text(alphabet="0123456789 \t-.٣", max_size=14),
    st.sampled_from(["", " ", "  ", "\n"]),
)
ANY_TEXT = st.one_of(st.text(max_size=40), NEAR_MISS)
NOT_TEXT = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(max_size=12),
    st.lists(st.text(max_size=3), max_size=3),
    st.booleans(),
)


def write_reference(easting: float, northing: float, digits: int) -> str:
    """The grid reference with `digits` figures (2 to 10) of the square holding a point."""
    text = bng.from_osgb36((int(easting), int(northing)), figs=max(digits, 4))
    letters, figures = text[:2], text[2:].replace(" ", "")
    half = len(figures) // 2
    east, north = figures[:half], figures[half:]
    keep = digits // 2
    return letters + east[:keep] + north[:keep]


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(ANY_TEXT)
def test_any_text_gives_a_point_on_the_grid_or_grid_ref_error(text):
    try:
        easting, northing = parse_grid_reference(text)
    except GridRefError:
        return
    assert 0 <= easting <= MAX_EASTING and 0 <= northing <= MAX_NORTHING


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(NOT_TEXT)
def test_anything_but_text_is_grid_ref_error(value):
    with pytest.raises(GridRefError):
        parse_grid_reference(value)


POINTS = st.tuples(st.integers(0, MAX_EASTING - 1), st.integers(0, MAX_NORTHING - 1))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(POINTS, st.sampled_from([2, 4, 6, 8, 10]), st.booleans())
def test_round_trip(point, digits, spaced):
    easting, northing = point
    try:
        reference = write_reference(easting, northing, digits)
    except bng.BNGError:
        return  # a 100 km square bng has no letters for: nothing to round-trip
    size = 10 ** (5 - digits // 2)
    typed = (
        f"{reference[:2]} {reference[2 : 2 + digits // 2]} {reference[2 + digits // 2 :]}".lower()
        if spaced
        else reference
    )
    centre = parse_grid_reference(typed)
    assert centre == (easting // size * size + size / 2, northing // size * size + size / 2)
    assert write_reference(*centre, digits) == reference


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=12).filter(lambda d: len(d) % 2 == 1 or len(d) > 10))
def test_odd_or_too_many_digits_are_refused(digits):
    with pytest.raises(GridRefError):
        parse_grid_reference("NZ" + digits)
