import pandas as pd
import pytest
import sqlalchemy as sa

from engage.geography.boundaries import (
    BoundaryImportError,
    current_boundary_set,
    find_ward,
    import_boundary_file,
    make_boundary_set_current,
    wards_by_code,
)
from engage.geography.locating import locate_lonlat
from engage.geography.models import BoundarySet, LocalAuthority, Ward
from tests.boundary_files import invalid_geometry_frame, ward_frame, write
from tests.conftest import GEODATA_DIR

WARDS_2018 = f"{GEODATA_DIR}/wards-2018-12.geojson"
WARDS_2013 = f"{GEODATA_DIR}/wards-2013-12.geojson"


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_register_holds_the_79_wards_of_2018_by_authority(db):
    current = current_boundary_set()
    assert current.vintage == "2018-12"
    rows = db.session.execute(
        sa.select(LocalAuthority.name, sa.func.count(Ward.id))
        .join(Ward.local_authority)
        .where(Ward.boundary_set_id == current.id)
        .group_by(LocalAuthority.name)
    ).all()
    assert dict(rows) == {
        "Hartlepool": 11,
        "Middlesbrough": 20,
        "Redcar and Cleveland": 22,
        "Stockton-on-Tees": 26,
    }
    assert "Open Government Licence" in current.attribution


def test_importing_the_same_file_twice_changes_nothing(db):
    before = count(db, Ward)
    result = import_boundary_file(WARDS_2018)
    assert result.unchanged and result.created == 0
    assert count(db, Ward) == before == 79
    assert count(db, BoundarySet) == 1


def test_second_vintage_coexists_and_current_moves_only_when_asked(db):
    result = import_boundary_file(WARDS_2013)
    assert result.created == 82 and not result.made_current
    assert current_boundary_set().vintage == "2018-12"
    old = db.session.scalar(sa.select(BoundarySet).where(BoundarySet.vintage == "2013-12"))
    # A point in Middlesbrough falls in different wards in the two vintages.
    in_2018 = locate_lonlat(current_boundary_set(), -1.2345, 54.5742)
    in_2013 = locate_lonlat(old, -1.2345, 54.5742)
    assert in_2018.vintage == "2018-12" and in_2013.vintage == "2013-12"
    assert in_2018.ward_code != in_2013.ward_code
    assert in_2018.lad_code == in_2013.lad_code == "E06000002"

    make_boundary_set_current(old)
    assert current_boundary_set().vintage == "2013-12"
    assert db.session.scalar(sa.select(sa.func.count()).where(BoundarySet.is_current)) == 1


def test_only_the_four_cleveland_authorities_are_kept_by_default(db, tmp_path):
    frame = ward_frame(2)
    darlington = ward_frame(2, lad_code="E06000005", lad_name="Darlington", prefix="E0588880")
    path = write(pd.concat([frame, darlington], ignore_index=True), tmp_path / "mixed-2023-05.geojson")
    result = import_boundary_file(str(path))
    assert result.vintage == "2023-05"
    assert result.created == 2 and len(result.skipped_outside) == 2
    everything = import_boundary_file(str(path), vintage="2023-05-all", authorities=None)
    assert everything.created == 4


def test_file_without_authority_columns_takes_them_from_the_current_set(db, tmp_path):
    import geopandas as gpd

    real = gpd.read_file(WARDS_2018).head(3)
    frame = gpd.GeoDataFrame(
        {"WD24CD": [f"E0577770{i}" for i in range(3)], "WD24NM": ["A", "B", "C"]},
        geometry=real.geometry.values,
        crs="EPSG:4326",
    )
    path = write(frame, tmp_path / "wards.geojson")
    import_boundary_file(str(path), vintage="2024-12")
    wards = db.session.scalars(sa.select(Ward).join(BoundarySet).where(BoundarySet.vintage == "2024-12")).all()
    assert {w.local_authority.code for w in wards} == {"E06000001"}


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda tmp: tmp / "missing.geojson", "no such file"),
        (
            lambda tmp: write(
                ward_frame().rename(columns={"WD23CD": "CODE", "WD23NM": "NAME"}), tmp / "x-2023-05.geojson"
            ),
            "CODE",
        ),
        (lambda tmp: write(invalid_geometry_frame(), tmp / "x-2023-05.geojson"), "Test Ward 0"),
        (lambda tmp: write(ward_frame(WD23CD=["E05999900"] * 3), tmp / "x-2023-05.geojson"), "E05999900"),
        (
            lambda tmp: (
                (tmp / "x-2023-05.geojson").write_text('{"type":"FeatureCollection","features":[]}')
                and tmp / "x-2023-05.geojson"
            ),
            "no features",
        ),
    ],
    ids=["missing file", "no ward code column", "invalid geometry", "duplicate codes", "empty file"],
)
def test_bad_files_are_refused_with_a_clear_message_and_change_nothing(db, tmp_path, make, expected):
    path = make(tmp_path)
    wards_before, sets_before = count(db, Ward), count(db, BoundarySet)
    with pytest.raises(BoundaryImportError) as excinfo:
        import_boundary_file(str(path))
    assert expected.lower() in str(excinfo.value).lower()
    assert (count(db, Ward), count(db, BoundarySet)) == (wards_before, sets_before)


def test_an_existing_vintage_is_never_silently_replaced(db, tmp_path):
    path = write(ward_frame(2), tmp_path / "x.geojson")
    import_boundary_file(str(path), vintage="2023-05")
    changed = write(ward_frame(2, WD23NM=["Renamed", "Test Ward 1"]), tmp_path / "y.geojson")
    with pytest.raises(BoundaryImportError, match="E05999900"):
        import_boundary_file(str(changed), vintage="2023-05")
    with pytest.raises(BoundaryImportError, match="vintage"):
        import_boundary_file(str(write(ward_frame(2), tmp_path / "novintage.geojson")))


def test_a_ward_is_found_by_its_code_in_any_case_through_one_look_up(db):
    current = current_boundary_set()
    assert find_ward(current, "e05009857").name == find_ward(current, "E05009857").name == "Central"
    assert find_ward(current, "E05000000") is None
    assert find_ward(None, "E05009857") is None  # before any boundary set is imported
    assert set(wards_by_code(current, ["E05009857", "E05000000"])) == {"E05009857"}
