from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from geodata import BoundaryFileError, WardRecord, read_boundaries

from .helpers import ORIGIN, STEP, squares, ward_frame, write

EXPECTED = {"E05000001": "Alpha", "E05000002": "Beta", "E05000003": "Gamma"}


@pytest.mark.parametrize("name", ["wards.geojson", "wards.shp", "wards.gpkg", "wards.zip"])
def test_reads_each_format(write_wards, name):
    boundaries = read_boundaries(write_wards(name))
    assert {w.code: w.name for w in boundaries.wards} == EXPECTED
    assert boundaries.columns == {
        "ward_code": "WD23CD",
        "ward_name": "WD23NM",
        "lad_code": "LAD23CD",
        "lad_name": "LAD23NM",
    }
    assert boundaries.source_crs == "EPSG:4326"
    ward = boundaries.wards[0]
    assert isinstance(ward, WardRecord)
    assert (ward.lad_code, ward.lad_name) == ("E06000002", "Middlesbrough")
    # Shapefiles reorient rings, so compare normalised shapes.
    assert shapely.normalize(ward.geometry).equals_exact(shapely.normalize(squares()[0]), tolerance=1e-9)


def test_lower_case_columns(write_wards):
    frame = ward_frame({"wd23cd": ["E05000001"], "wd23nm": ["Alpha"]}, squares(1))
    boundaries = read_boundaries(write_wards("lower.gpkg", frame))
    assert boundaries.columns["ward_code"] == "wd23cd"
    assert boundaries.wards[0].lad_code is None


def test_welsh_name_column_ignored(write_wards):
    frame = ward_frame({"WD23CD": ["W05000001"], "WD23NMW": ["Cymraeg"], "WD23NM": ["English"]}, squares(1))
    boundaries = read_boundaries(write_wards("wales.geojson", frame))
    assert boundaries.wards[0].name == "English"


def bng_squares() -> list[Polygon]:
    # 1 km squares in metres around NZ 45 15 (Middlesbrough).
    return [box(445_000 + i * 1000, 515_000, 446_000 + i * 1000, 516_000) for i in range(3)]


@pytest.mark.parametrize("name", ["bng.shp", "bng.gpkg", "bng.geojson"])
def test_british_national_grid_reprojected(write_wards, name):
    frame = ward_frame(geometry=bng_squares(), crs=27700)
    boundaries = read_boundaries(write_wards(name, frame))
    assert boundaries.source_crs == "EPSG:27700"
    to_wgs84 = Transformer.from_crs(27700, 4326, always_xy=True)
    expected = shapely.transform(bng_squares()[0], lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1])))
    got = boundaries.wards[0].geometry
    assert shapely.normalize(got).equals_exact(shapely.normalize(expected), tolerance=1e-9)
    assert -1.4 < got.bounds[0] < -1.2 and 54.5 < got.bounds[1] < 54.6  # Teesside


# Writing without a CRS is the point of these tests; pyogrio warns about it.
no_crs_warning = pytest.mark.filterwarnings("ignore:'crs' was not provided")


@no_crs_warning
def test_shapefile_without_prj_in_metres_is_guessed_bng(tmp_path):
    path = write(ward_frame(geometry=bng_squares(), crs=None), tmp_path / "noprj.shp")
    assert not path.with_suffix(".prj").exists()
    boundaries = read_boundaries(path)
    assert boundaries.source_crs == "EPSG:27700" and boundaries.crs_guessed
    assert -1.4 < boundaries.wards[0].geometry.bounds[0] < -1.2


@no_crs_warning
def test_shapefile_without_prj_in_degrees_is_wgs84(tmp_path):
    boundaries = read_boundaries(write(ward_frame(crs=None), tmp_path / "noprj.shp"))
    assert boundaries.source_crs == "EPSG:4326" and boundaries.crs_guessed
    assert boundaries.wards[0].geometry.bounds[0] == pytest.approx(ORIGIN[0])


@no_crs_warning
def test_no_crs_and_not_bng_metres_is_refused(tmp_path):
    # Web Mercator metres for Middlesbrough: negative eastings, outside the grid.
    far = [box(-140_000, 7_270_000, -139_000, 7_271_000)]
    path = write(ward_frame({"WD23CD": ["E05000001"], "WD23NM": ["A"]}, far, None), tmp_path / "mercator.shp")
    with pytest.raises(BoundaryFileError, match="mercator.shp: no CRS"):
        read_boundaries(path)


def test_codes_and_names_stripped(write_wards):
    frame = ward_frame({"ward_code": [" E05000001 "], "ward_name": ["  Alpha\t"]}, squares(1))
    ward = read_boundaries(write_wards("spaces.geojson", frame)).wards[0]
    assert (ward.code, ward.name) == ("E05000001", "Alpha")


def test_multipolygon_accepted(write_wards):
    a, _, c = squares()
    frame = ward_frame({"ward_code": ["E05000001"], "ward_name": ["Split"]}, [MultiPolygon([a, c])])
    assert read_boundaries(write_wards("multi.gpkg", frame)).wards[0].geometry.area == pytest.approx(2 * STEP * STEP)


# Vintage ---------------------------------------------------------------------


def test_vintage_from_property(write_wards):
    frame = ward_frame()
    frame["vintage"] = "2023-05"
    assert read_boundaries(write_wards("wards.geojson", frame)).vintage == "2023-05"


def test_vintage_from_file_name_when_property_mixed(write_wards):
    frame = ward_frame()
    frame["vintage"] = ["2018-12", "2019-12", "2018-12"]
    assert read_boundaries(write_wards("wards-2021-05.gpkg", frame)).vintage == "2021-05"


def test_vintage_none_when_unknown(write_wards):
    assert read_boundaries(write_wards("wards.geojson")).vintage is None


# Errors ----------------------------------------------------------------------


def test_missing_file(tmp_path):
    missing = tmp_path / "nowhere.geojson"
    with pytest.raises(BoundaryFileError, match=f"no such file: {missing}"):
        read_boundaries(missing)


def test_empty_file(tmp_path):
    (tmp_path / "empty.geojson").touch()
    with pytest.raises(BoundaryFileError, match="empty.geojson: file is empty"):
        read_boundaries(tmp_path / "empty.geojson")


def test_no_features(tmp_path):
    path = tmp_path / "none.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(BoundaryFileError, match="none.geojson: no features"):
        read_boundaries(path)


def test_unreadable_file_names_file(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{not json at all")
    with pytest.raises(BoundaryFileError, match="cannot read broken.geojson") as error:
        read_boundaries(path)
    assert error.value.__cause__ is not None  # driver error kept for debugging


def test_no_ward_code_column_lists_columns(write_wards):
    frame = ward_frame({"name": ["Alpha"], "area": [1.0]}, squares(1))
    with pytest.raises(BoundaryFileError) as error:
        read_boundaries(write_wards("odd.geojson", frame))
    message = str(error.value)
    assert message.startswith("odd.geojson: no ward code column")
    assert "found columns: name, area" in message


def test_no_ward_name_column(write_wards):
    frame = ward_frame({"WD23CD": ["E05000001"]}, squares(1))
    with pytest.raises(BoundaryFileError, match="no ward name column.*found columns: WD23CD"):
        read_boundaries(write_wards("noname.gpkg", frame))


def test_null_geometry_names_ward(write_wards):
    frame = ward_frame(geometry=[squares()[0], None, squares()[2]])
    with pytest.raises(BoundaryFileError, match=r"wards.geojson: ward E05000001 \(Alpha\) has no geometry"):
        read_boundaries(write_wards("wards.geojson", frame))


def test_empty_geometry_names_ward(write_wards):
    frame = ward_frame(geometry=[squares()[0], squares()[1], Polygon()])
    with pytest.raises(BoundaryFileError, match=r"ward E05000002 \(Beta\) has no geometry"):
        read_boundaries(write_wards("wards.gpkg", frame))


def test_non_polygon_geometry_names_ward(write_wards):
    frame = ward_frame(geometry=[Point(ORIGIN), *squares()[1:]])
    with pytest.raises(BoundaryFileError) as error:
        read_boundaries(write_wards("wards.geojson", frame))
    assert "ward E05000003 (Gamma) has a Point geometry" in str(error.value)
    assert "expected Polygon or MultiPolygon" in str(error.value)


def test_line_geometry_names_ward(write_wards):
    frame = ward_frame({"ward_code": ["E05000009"], "ward_name": ["Line"]}, [LineString([(0, 0), (1, 1)])])
    with pytest.raises(BoundaryFileError, match=r"E05000009 \(Line\) has a LineString"):
        read_boundaries(write_wards("line.geojson", frame))


def test_invalid_geometry_explained(write_wards):
    x, y = ORIGIN
    bowtie = Polygon([(x, y), (x + STEP, y + STEP), (x + STEP, y), (x, y + STEP)])
    assert not bowtie.is_valid
    frame = ward_frame(geometry=[*squares()[:2], bowtie])
    with pytest.raises(BoundaryFileError) as error:
        read_boundaries(write_wards("wards.gpkg", frame))
    message = str(error.value)
    assert "ward E05000002 (Beta) has an invalid geometry" in message
    assert "Self-intersection" in message


def test_duplicate_codes_listed(write_wards):
    frame = ward_frame({"ward_code": ["E05000001", "E05000002", "E05000001"], "ward_name": ["A", "B", "C"]})
    with pytest.raises(BoundaryFileError, match=r"duplicate ward codes: E05000001 \(2 features\)"):
        read_boundaries(write_wards("dupes.geojson", frame))


def test_blank_codes_numbered(write_wards):
    frame = ward_frame({"ward_code": ["E05000001", "  ", None], "ward_name": ["A", "B", "C"]})
    with pytest.raises(BoundaryFileError, match=r"blank ward code in column 'ward_code' for feature\(s\) 2, 3"):
        read_boundaries(write_wards("blank.geojson", frame))


def test_blank_names_listed(write_wards):
    frame = ward_frame({"ward_code": ["E05000001", "E05000002", "E05000003"], "ward_name": ["A", "", "C"]})
    with pytest.raises(BoundaryFileError, match=r"blank ward name .* for ward\(s\) E05000002"):
        read_boundaries(write_wards("blank.gpkg", frame))


def test_directory_is_not_a_file(tmp_path: Path):
    with pytest.raises(BoundaryFileError, match="not a file"):
        read_boundaries(tmp_path)


def test_z_values_dropped(write_wards):
    # Z values from a 3-D shapefile are dropped: the lookup is 2-D.
    frame = ward_frame(geometry=[shapely.force_3d(g) for g in squares()])
    wards = read_boundaries(write_wards("z.gpkg", frame)).wards
    assert not any(w.geometry.has_z for w in wards)


def test_frame_written_by_helper_round_trips(tmp_path):
    # Guard for the helper itself: the zip holds exactly one Shapefile's parts.
    import zipfile

    path = write(ward_frame(), tmp_path / "w.zip")
    names = zipfile.ZipFile(path).namelist()
    assert {Path(n).suffix for n in names} >= {".shp", ".shx", ".dbf", ".prj"}
    assert len(gpd.read_file(path)) == 3
