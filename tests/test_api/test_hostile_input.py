"""Hostile and malformed input that once ended in a 500 or could hurt whoever opens an
export: each is refused with a message (or defused), on SQLite and PostgreSQL alike.

- bodies over MAX_CONTENT_LENGTH: 413 saying the limit, as JSON or a page;
- NUL characters (PostgreSQL refuses them): 400 in the address or a form, 422 naming
  the field in a JSON entry, refused rows in imports;
- numbers and dates beyond what the database holds: 422 / 400, not an overflow;
- XLSX formulas in an import are reported, never evaluated; cells an export writes that
  a spreadsheet would run as a formula (=, +, -, @, tab, CR) are written as text.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from engage.concerns.models import Concern, Meeting
from tests.conftest import TODAY


def new_id():
    return str(uuid.uuid4())


def concern(**fields):
    return {"id": new_id(), "category": "speeding", "description": "Cars too fast", **fields}


# --- size limits -----------------------------------------------------------------


@pytest.fixture
def small_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)


def test_an_api_body_over_the_limit_is_413_json(officer_client, small_limit, db):
    response = officer_client.post("/api/v1/concerns", json=concern(description="x" * 4000))
    assert response.status_code == 413
    assert response.get_json() == {"error": "The request is too large: the limit is 1 KB."}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concern)) == 0


def test_a_form_over_the_limit_is_413_with_a_page_saying_so(admin_client, small_limit):
    response = admin_client.post("/admin/teams/new", data={"name": "x" * 4000})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "413" in page and "The request is too large: the limit is 1 KB." in page


def test_the_limit_is_configured():
    from engage.config import Config

    assert Config.MAX_CONTENT_LENGTH == 50 * 1024 * 1024


# --- NUL characters ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/meetings/%00",
        "/api/v1/concerns?meeting=%00",
        "/api/wards?vintage=%00",
        "/api/v1/maps/wards?category=a%00b",
        "/api/v1/concerns/x?%00=1",
    ],
)
def test_nul_in_an_api_address_is_400(officer_client, url):
    response = officer_client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.get_json()["error"]


def test_nul_in_a_page_address_or_a_form_is_400(staff_client, admin_client):
    assert staff_client.get("/wards/E05%0009857").status_code == 400
    assert staff_client.get("/exports/concerns.csv?ward=%00").status_code == 400
    response = admin_client.post("/admin/categories/new", data={"code": "x", "label": "a\x00b"})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "field, value",
    [
        ("description", "a\x00b"),
        ("category", "speed\x00ing"),
        ("ward_code", "E05\x00"),
        ("grid_ref", "NZ\x0049"),
        ("contact_name", "\x00"),
    ],
)
def test_nul_in_a_json_entry_is_422_naming_the_field(officer_client, db, field, value):
    body = concern(**{field: value}, contact_consent=True)
    response = officer_client.post("/api/v1/concerns", json=body)
    assert response.status_code == 422
    assert response.get_json()["fields"][field] == "must not contain the NUL character"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concern)) == 0


def test_nul_in_a_meetings_ward_list_is_422(officer_client):
    response = officer_client.post(
        "/api/v1/meetings", json={"id": new_id(), "ward_codes": ["E05009857\x00"], "date": "2026-01-05"}
    )
    assert response.status_code == 422 and "ward_codes" in response.get_json()["fields"]


# --- numbers and dates out of range -------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        (10**30, "must be at most 2147483647"),
        ("9" * 5000, "must be a whole number"),
        ("²", "must be a whole number"),
    ],
)
def test_integers_the_database_cannot_hold_are_422(officer_client, value, message):
    response = officer_client.post("/api/v1/concerns", json=concern(residents=value))
    assert response.status_code == 422
    assert response.get_json()["fields"]["residents"].startswith(message)


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_a_moment_outside_the_years_1_to_9999_in_utc_is_422(officer_client, moment):
    response = officer_client.post("/api/v1/concerns", json=concern(raised_at=moment))
    assert response.status_code == 422
    assert response.get_json()["fields"]["raised_at"] == f"'{moment}' is out of range"


def test_an_api_moment_always_says_its_time_zone(officer_client):
    """SQLite reads back naive times; the API still answers them as UTC, as on PostgreSQL."""
    stored = officer_client.post("/api/v1/concerns", json=concern(raised_at="2026-01-05T19:30:00+01:00"))
    assert stored.get_json()["raised_at"] == "2026-01-05T18:30:00+00:00"
    listed = officer_client.get("/api/v1/concerns").get_json()["concerns"]
    assert listed[0]["raised_at"] == "2026-01-05T18:30:00+00:00"


@pytest.mark.parametrize("query", ["to=0001-01-01", "from=0001-01-01&to=0001-01-02", "from=1899-12-31"])
def test_map_dates_before_1900_are_400_not_an_overflow(officer_client, query):
    for layer in ("wards", "heat"):
        response = officer_client.get(f"/api/v1/maps/{layer}?{query}")
        assert response.status_code == 400 and "before 1900" in response.get_json()["error"]


# --- spreadsheets --------------------------------------------------------------------


def test_xlsx_formulas_in_an_import_are_reported_never_evaluated(app_ctx, db, tmp_path):
    from engage.concerns.import_meetings import (
        plan_import,
        read_rows,
        run_import,
        write_rejects,
    )

    book = Workbook()
    sheet = book.active
    sheet.append(["Date", "Ward", "Venue", "Attendance", "Notes"])
    sheet.append([date(2019, 3, 4), "Brotton", "Library", "=2+2", "fine"])
    sheet.append([date(2019, 3, 5), "Brotton", "Hall", 12, '=HYPERLINK("http://example.org","x")'])
    sheet.append(["=TODAY()", "Brotton", "Church", 5, ""])
    sheet.append([date(2019, 3, 6), "Brotton", "School", 7, "plain"])
    path = tmp_path / "meetings.xlsx"
    book.save(path)

    plan = plan_import(read_rows(path), today=date(2026, 6, 1))
    reasons = {p.row: p.reason for p in plan.problems}
    assert reasons[2] == "Attendance: the formula =2+2 is not evaluated; type the value itself"
    assert reasons[3].startswith("Notes: the formula =HYPERLINK(")
    assert reasons[4].startswith("Date: the formula =TODAY() is not evaluated")
    result = run_import(plan, skip_invalid=True)
    db.session.flush()
    assert (result.meetings, result.rejected) == (1, 3)
    stored = db.session.scalars(sa.select(Meeting)).all()
    assert [(m.venue, m.attendance, m.notes) for m in stored] == [("School", 7, "plain")]
    out = io.StringIO()
    write_rejects(plan, out)
    cells = [cell for row in csv.reader(io.StringIO(out.getvalue())) for cell in row]
    assert "'=2+2" in cells and "'=TODAY()" in cells and not any(c.startswith("=") for c in cells)


# Leading tabs and CRs are trimmed when stored (test_neutralise covers them in exports).
FORMULAS = ["=1+2", "+SUM(A1:A9)", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]


@pytest.fixture
def dangerous_entries(officer_client):
    meeting = {
        "id": new_id(),
        "ward_codes": ["E05009857"],
        "date": TODAY.isoformat(),
        "venue": '=HYPERLINK("http://example.org")',
        "notes": "@SUM(1)",
        "police_partners": "+44 1642",
    }
    assert officer_client.post("/api/v1/meetings", json=meeting).status_code == 201
    for text in FORMULAS:
        body = concern(
            description=text,
            meeting_id=meeting["id"],
            ward_code="E05009857",
            contact_consent=True,
            contact_name="-Resident",
            contact_details="=1",
        )
        assert officer_client.post("/api/v1/concerns", json=body).status_code == 201


def _is_defused(value):
    return not isinstance(value, str) or not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_exports_write_formula_like_cells_as_text(staff_client, dangerous_entries):
    concerns = list(
        csv.DictReader(
            io.StringIO(staff_client.get("/exports/concerns.csv?contact=1").get_data(as_text=True), newline="")
        )
    )
    assert sorted(r["description"] for r in concerns) == sorted("'" + f for f in FORMULAS)
    assert {r["contact_name"] for r in concerns} == {"'-Resident"} and {r["contact_details"] for r in concerns} == {
        "'=1"
    }
    meetings = list(csv.DictReader(io.StringIO(staff_client.get("/exports/meetings.csv").get_data(as_text=True))))
    assert meetings[0]["venue"] == '\'=HYPERLINK("http://example.org")'
    assert meetings[0]["notes"] == "'@SUM(1)" and meetings[0]["police_partners"] == "'+44 1642"
    assert all(_is_defused(v) for row in concerns + meetings for v in row.values())


def test_xlsx_exports_hold_no_formulas(staff_client, dangerous_entries):
    for what in ("concerns", "meetings"):
        sheet = load_workbook(io.BytesIO(staff_client.get(f"/exports/{what}.xlsx?contact=1").data)).active
        cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
        assert cells and all(cell.data_type != "f" for cell in cells), what
        assert all(_is_defused(cell.value) for cell in cells), what
    sheet = load_workbook(io.BytesIO(staff_client.get("/exports/concerns.xlsx").data)).active
    column = [c.value for c in sheet[1]].index("What was raised")
    descriptions = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(descriptions) == sorted("'" + f for f in FORMULAS)


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("", ""),
        (" =1", " =1"),
        (-1.5, -1.5),
        (3, 3),
        (None, None),
    ],
)
def test_neutralise(value, written):
    from engage.reports.exports import neutralise

    assert neutralise(value) == written
