import csv
import io

from tests.conftest import GEODATA_DIR


def test_locate_prints_code_name_and_authority(runner):
    result = runner.invoke(args=["wards", "locate", "-1.2345", "54.5742"])
    assert result.exit_code == 0, result.output
    code, name, authority = result.output.strip().split("\t")
    assert code.startswith("E05") and authority == "Middlesbrough"


def test_locate_grid_and_outside(runner):
    assert "Middlesbrough" in runner.invoke(args=["wards", "locate", "--grid", "NZ 4966 1942"]).output
    outside = runner.invoke(args=["wards", "locate", "-0.1276", "51.5072"])
    assert outside.exit_code == 1 and outside.output.strip() == "outside"
    bad = runner.invoke(args=["wards", "locate", "--grid", "NZ 49 661"])
    assert bad.exit_code == 2 and "odd" in bad.output.lower()
    assert "lat" in runner.invoke(args=["wards", "locate", "-1.2", "north"]).output


def test_locate_csv(runner, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("ref,lon,lat\na,-1.2345,54.5742\nb,-0.1276,51.5072\n")
    result = runner.invoke(args=["wards", "locate", "--csv", str(path)])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["ref"] for r in rows] == ["a", "b"]
    assert rows[0]["ward_code"].startswith("E05") and rows[1]["ward_code"] == ""
    missing = runner.invoke(args=["wards", "locate", "--csv", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("ref,lon,lat\ncafé,-1.2345,54.5742\n".encode("latin-1"))
    refused = runner.invoke(args=["wards", "locate", "--csv", str(latin1)])
    assert refused.exit_code == 2 and "not UTF-8 text" in refused.output


def test_list_as_csv(runner):
    result = runner.invoke(args=["wards", "list", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 79
    assert list(rows[0].keys()) == ["ward_code", "ward_name", "lad_code", "lad_name", "designation"]
    table = runner.invoke(args=["wards", "list"]).output
    assert "Stockton-on-Tees" in table and table.strip().endswith("79 wards")


def test_import_twice_changes_nothing_and_make_current(runner):
    again = runner.invoke(args=["wards", "import", f"{GEODATA_DIR}/wards-2018-12.geojson"])
    assert again.exit_code == 0 and "nothing changed" in again.output
    old = runner.invoke(args=["wards", "import", f"{GEODATA_DIR}/wards-2013-12.geojson", "--make-current"])
    assert "82 wards" in old.output and "now the current set" in old.output
    listing = runner.invoke(args=["wards", "list", "--format", "csv"]).output
    assert len(listing.strip().splitlines()) == 83


def test_import_errors_go_to_the_user(runner, tmp_path):
    result = runner.invoke(args=["wards", "import", str(tmp_path / "nope.geojson")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_designations_import_reports_rows(runner, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(
        "ward_code,designation,effective_from\nE05009857,strengthen,2018-04-01\nE05000000,support,2018-04-01\n"
    )
    result = runner.invoke(args=["designations", "import", str(path)])
    assert result.exit_code == 2 and "nothing imported" in result.output and "row 3" in result.output
    path.write_text("ward_code,designation,effective_from\nE05009857,strengthen,2018-04-01\n")
    ok = runner.invoke(args=["designations", "import", str(path)])
    assert ok.exit_code == 0 and "1 designations added" in ok.output
    assert "strengthen" in runner.invoke(args=["wards", "list", "--format", "csv"]).output
