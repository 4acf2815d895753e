"""Wards as people write them, in the boundary set in force on the day."""

from datetime import date

import pytest
import sqlalchemy as sa

from engage.geography.boundaries import current_boundary_set, import_boundary_file
from engage.geography.models import BoundarySet
from engage.geography.ward_names import (
    WardMatcher,
    boundary_set_on,
    normalise_ward_name,
    vintage_start,
)
from tests.conftest import GEODATA_DIR


@pytest.mark.parametrize(
    "written, normal",
    [
        ("Brotton ward", "brotton"),
        ("  BROTTON   Ward ", "brotton"),
        ("St Germain's", "st germains"),
        ("st germains", "st germains"),
        ("Saint Germain\u2019s", "st germains"),
        ("Stainton & Thornton", "stainton and thornton"),
        ("Stainton and Thornton", "stainton and thornton"),
        ("Park End & Beckfield Ward", "park end and beckfield"),
        ("Stockton Town Centre", "stockton town centre"),
    ],
)
def test_normalise(written, normal):
    assert normalise_ward_name(written) == normal


@pytest.mark.parametrize(
    "written, code",
    [
        ("Brotton ward", "E05001505"),
        ("St Germain's", "E05001519"),
        ("st germains", "E05001519"),
        ("Stainton & Thornton", "E05009871"),
        ("stainton and thornton ward", "E05009871"),
        ("  berwick hills and pallister ", "E05009855"),
        ("e05009857", "E05009857"),
    ],
)
def test_matches_names_and_codes(app_ctx, written, code):
    match = WardMatcher(current_boundary_set()).match(written)
    assert match.ward is not None and match.ward.code == code, match.problem


def test_unknown_names_get_the_closest_suggested(app_ctx):
    matcher = WardMatcher(current_boundary_set())
    problem = matcher.match("Brotten").problem
    assert problem.startswith("unknown ward 'Brotten' in boundary set 2018-12; closest: Brotton (E05001505)")
    assert "not in boundary set 2018-12" in matcher.match("E05001502").problem  # a 2013-only ward


def test_vintage_in_force_on_the_day(app_ctx, db):
    import_boundary_file(f"{GEODATA_DIR}/wards-2013-12.geojson")
    db.session.flush()
    sets = db.session.scalars(sa.select(BoundarySet)).all()
    assert vintage_start("2018-12") == date(2018, 12, 1) and vintage_start("current") is None
    assert boundary_set_on(date(2018, 11, 30), sets).vintage == "2013-12"
    assert boundary_set_on(date(2018, 12, 1), sets).vintage == "2018-12"
    assert boundary_set_on(date(2010, 1, 1), sets).vintage == "2013-12"  # before all: the earliest
    old = WardMatcher(boundary_set_on(date(2016, 5, 4), sets))
    assert old.match("Stainton & Thornton").ward.code == "E05001502"
    assert old.match("Berwick Hills & Pallister").ward is None
