"""Before a boundary set is stored or made current: a file in the wrong coordinate
system is refused and stores nothing; a set outside the current set's wards is
imported with a warning; making a set current checks that the places the current set
locates (its wards' centres, where recent concerns were raised) lie in the new one,
refusing when most do not and naming them when some do not. `flask wards import`
prints the warnings, and `--dry-run` stores nothing."""

from __future__ import annotations

import uuid

import geopandas as gpd
import pytest
import sqlalchemy as sa

from engage.geography.boundaries import (
    BoundaryImportError,
    current_boundary_set,
    import_boundary_file,
    make_boundary_set_current,
    sample_places,
)
from engage.geography.models import BoundarySet, Ward
from tests.boundary_files import ward_frame, write
from tests.conftest import GEODATA_DIR

WARDS_2018 = f"{GEODATA_DIR}/wards-2018-12.geojson"
WARDS_2013 = f"{GEODATA_DIR}/wards-2013-12.geojson"
NOT_REDCAR = ("E06000001", "E06000002", "E06000004")  # Hartlepool, Middlesbrough, Stockton


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_file_in_the_wrong_coordinate_system_stores_nothing(db, tmp_path):
    frame = ward_frame(3)
    degrees_as_metres = gpd.GeoDataFrame(
        frame.drop(columns="geometry"), geometry=list(frame.geometry), crs="EPSG:27700"
    )
    before = (count(db, BoundarySet), count(db, Ward))
    with pytest.raises(BoundaryImportError, match="looks like longitude and latitude in degrees"):
        import_boundary_file(str(write(degrees_as_metres, tmp_path / "wards-2023-05.gpkg")), make_current=True)
    assert (count(db, BoundarySet), count(db, Ward)) == before
    assert current_boundary_set().vintage == "2018-12"


def test_a_set_outside_the_current_wards_is_imported_with_a_warning(db, tmp_path):
    # tests/boundary_files.py's squares lie in the sea off Hartlepool.
    result = import_boundary_file(str(write(ward_frame(3), tmp_path / "wards-2023-05.geojson")))
    assert result.created == 3 and not result.made_current
    [warning] = result.warnings
    assert warning.startswith(
        "none of the 3 wards of 2023-05 lies within the wards of the current set 2018-12: "
        "they span longitude -1.0500 to -1.0200, latitude 54.8000 to 54.8100; the current "
        "set spans"
    )
    assert import_boundary_file(WARDS_2013).warnings == []  # the same area, redrawn


def test_some_wards_outside_are_named(db, tmp_path):
    real = gpd.read_file(WARDS_2018).head(2)
    frame = gpd.GeoDataFrame(
        {
            "WD23CD": ["E05777701", "E05777702", "E05777703"],
            "WD23NM": ["A", "B", "C"],
            "LAD23CD": ["E06000002"] * 3,
            "LAD23NM": ["Middlesbrough"] * 3,
        },
        geometry=[*real.geometry, ward_frame(1).geometry[0]],
        crs="EPSG:4326",
    )
    result = import_boundary_file(str(write(frame, tmp_path / "wards-2023-05.geojson")))
    assert result.warnings == [
        "1 of the 3 wards of 2023-05 lie outside every ward of the current set 2018-12: E05777703."
    ]


def test_a_set_elsewhere_cannot_be_made_current(db, tmp_path):
    before = (count(db, BoundarySet), count(db, Ward))
    with pytest.raises(BoundaryImportError) as refused:
        import_boundary_file(str(write(ward_frame(3), tmp_path / "wards-2023-05.geojson")), make_current=True)
    assert str(refused.value).startswith(
        "2023-05 cannot be made current: 79 of 79 places the current set 2018-12 locates lie outside all of its "
        "wards (the centre of ward E05001505 (Brotton); the centre of ward E05001506 (Coatham);"
    )
    assert str(refused.value).endswith("Is it the right area, in the right coordinate system? Nothing was changed.")
    db.session.rollback()  # as the command does
    assert (count(db, BoundarySet), count(db, Ward)) == before
    assert current_boundary_set().vintage == "2018-12"


def test_a_set_that_leaves_some_places_out_is_made_current_with_a_warning(db):
    result = import_boundary_file(WARDS_2018, vintage="2018-12-no-redcar", authorities=NOT_REDCAR, make_current=True)
    assert result.made_current and current_boundary_set().vintage == "2018-12-no-redcar"
    [warning] = result.warnings
    assert warning.startswith(
        "22 of 79 places the current set 2018-12 locates lie outside every ward of "
        "2018-12-no-redcar, which is now current: the centre of ward E05001505 (Brotton); "
        "the centre of ward E05001506 (Coatham);"
    )
    assert warning.endswith("and 17 more. Concerns raised there will be flagged for review.")


def test_the_same_area_redrawn_is_made_current_without_a_word(db):
    import_boundary_file(WARDS_2013)
    old = db.session.scalar(sa.select(BoundarySet).where(BoundarySet.vintage == "2013-12"))
    assert make_boundary_set_current(old) == []
    assert current_boundary_set().vintage == "2013-12"


def test_the_sample_holds_where_recent_concerns_were_raised(db, officer_client):
    response = officer_client.post(
        "/api/v1/concerns",
        json={"id": str(uuid.uuid4()), "category": "speeding", "description": "Cars", "lon": -1.2345, "lat": 54.5742},
    )
    concern_id = response.get_json()["id"]
    places = sample_places(current_boundary_set())
    assert len(places) == 80
    assert (f"concern {concern_id} at -1.23450, 54.57420", -1.2345, 54.5742) in places


def test_the_command_prints_warnings_and_a_dry_run_stores_nothing(runner, db, tmp_path):
    path = str(write(ward_frame(3), tmp_path / "wards-2023-05.geojson"))
    dry = runner.invoke(args=["wards", "import", path, "--dry-run"])
    assert dry.exit_code == 0
    assert "Warning: none of the 3 wards of 2023-05 lies within the wards of the current set 2018-12" in dry.output
    assert "Dry run, nothing stored: Imported 3 wards as boundary set 2023-05." in dry.output
    assert count(db, BoundarySet) == 1
    refused = runner.invoke(args=["wards", "import", path, "--make-current"])
    assert refused.exit_code == 2 and "Error: 2023-05 cannot be made current: 79 of 79 places" in refused.output
    assert count(db, BoundarySet) == 1
    stored = runner.invoke(args=["wards", "import", path])
    assert stored.exit_code == 0 and "Warning: none of the 3 wards" in stored.output
    assert count(db, BoundarySet) == 2 and current_boundary_set().vintage == "2018-12"
