"""Issue #20: the app, every command and every gunicorn worker start without the heavy
libraries; each loads where it is used (choropleth classes, the report's map, Word,
PDF and Excel files, reading boundary files, judging a password). Each check runs in a
fresh interpreter, since the test session itself has imported them all by now.

That the features still work with their libraries loaded late is what their own tests
check (tests/test_maps, tests/test_reports, tests/test_geography, tests/test_accounts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import GEODATA_DIR, REPO

HEAVY = (
    "mapclassify",
    "scipy",
    "sklearn",
    "joblib",
    "matplotlib",
    "PIL",
    "weasyprint",
    "docx",
    "openpyxl",
    "geopandas",
    "pandas",
    "pyogrio",
    "pyproj",
    "zxcvbn",
    "folium",
)

# Runs the flask command in this interpreter (as the `flask` script does), then says
# which heavy packages it imported.
FLASK_COMMAND = """
import sys
from flask.cli import main
sys.argv = ["flask", "--app", "engage", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
"""

REPORT = """
import json, sys
print(json.dumps(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


def _heavy_loaded(code: str, *args: str, database_url: str) -> tuple[list[str], str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "ENGAGE_GEODATA_DIR": GEODATA_DIR,
    }
    result = subprocess.run(
        [sys.executable, "-c", code + REPORT.format(heavy=HEAVY), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    output, _, last = result.stdout.rstrip("\n").rpartition("\n")
    return json.loads(last), output


@pytest.fixture(scope="module")
def database_url(_session_app):
    """The session's database: migrated, the default wards imported."""
    return _session_app.config["SQLALCHEMY_DATABASE_URI"]


def test_create_app_imports_no_heavy_library(database_url):
    code = "from engage import create_app\ncreate_app()\n"
    loaded, _ = _heavy_loaded(code, database_url=database_url)
    assert loaded == []


def test_flask_help_imports_no_heavy_library(database_url):
    loaded, output = _heavy_loaded(FLASK_COMMAND, "--help", database_url=database_url)
    assert "wards" in output and "report" in output  # the app's commands are listed
    assert loaded == []


def test_wards_locate_imports_no_heavy_library(database_url):
    loaded, output = _heavy_loaded(FLASK_COMMAND, "wards", "locate", "-1.2345", "54.5742", database_url=database_url)
    assert output.split("\t")[-1] == "Middlesbrough"
    assert loaded == []


def test_a_map_with_natural_breaks_needs_no_heavy_library(database_url):
    # numpy computes mapclassify's bounds (tests/test_maps): no worker pays for scipy on a map.
    code = (
        "from engage import create_app\ncreate_app()\n"
        "from engage.maps.classes import map_classes\n"
        "assert len(map_classes([1, 2, 3, 5, 8, 13, 21], method='jenks')['classes']) == 5\n"
    )
    loaded, _ = _heavy_loaded(code, database_url=database_url)
    assert loaded == []


def test_a_heavy_library_loads_when_its_feature_is_used(database_url):
    code = (
        "from engage import create_app\ncreate_app()\n"
        "from engage.reports.spreadsheet import Column, write_xlsx\n"
        "assert write_xlsx([Column('ward', 'Ward')], iter([({'ward': 'Central'}, None)]), 'Wards').read(2) == b'PK'\n"
    )
    loaded, _ = _heavy_loaded(code, database_url=database_url)
    assert "openpyxl" in loaded


def test_the_served_app_starts_without_the_migration_tool(database_url):
    # gunicorn's workers load wsgi.py: they never migrate, so alembic stays out, and
    # an e-mail address is checked only when one is typed.
    code = "import wsgi\nimport sys\nprint(sorted(m for m in ('alembic', 'flask_migrate', 'email_validator') if m in sys.modules))\n"
    loaded, output = _heavy_loaded(code, database_url=database_url)
    assert loaded == [] and output.splitlines()[-1] == "[]"


def test_the_command_line_still_migrates(database_url):
    _, output = _heavy_loaded(FLASK_COMMAND, "db", "current", database_url=database_url)
    assert "(head)" in output
