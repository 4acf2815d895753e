"""`flask import meetings` on a generated spreadsheet of 600 historical meetings (CSV
and XLSX, made here with csv and openpyxl) with a few bad rows in it."""

import csv
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from engage.concerns.models import Concern, Meeting
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from engage.notify.models import OutboxMessage
from tests.conftest import make_team

HEADER = ["Date", "Ward", "Venue", "Attendance", "Notes", "Kind", "Category", "Concern"]
CATEGORIES = ["youth_asb", "Drugs and drug dealing", "speeding", "Fly-tipping and litter", "off_road_bikes"]


def count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def ward_written(ward, i):
    """The ways a ward turns up in old spreadsheets."""
    return [
        ward.code,
        ward.name,
        f"{ward.name} ward",
        ward.name.lower().replace("&", "and"),
        ward.name.upper().replace("'", ""),
    ][i % 5]


def historical_meetings(db, n=600):
    """n meetings (one to three rows each: a meeting alone, or one row per concern), in
    every ward, every third day from January 2019; dates as Excel would hold them."""
    wards = db.session.scalars(
        sa.select(Ward).where(Ward.boundary_set_id == current_boundary_set().id).order_by(Ward.code)
    ).all()
    rows = []
    for i in range(n):
        ward = wards[i % len(wards)]
        day = date(2019, 1, 7) + timedelta(days=3 * i)
        meeting = [
            day,
            ward_written(ward, i),
            f"{ward.name} Community Centre",
            5 + i % 40,
            "Minutes on file" if i % 7 == 0 else "",
            "PACT / ward panel" if i % 11 == 0 else "",
        ]
        concerns = i % 3
        if concerns == 0:
            rows.append(meeting + ["", ""])
        for k in range(concerns):
            rows.append(meeting + [CATEGORIES[(i + k) % len(CATEGORIES)], f"Raised at meeting {i}, item {k}"])
    return rows


def with_bad_rows(rows):
    """Bad rows at known places; returns (rows, {row number in the file: expected reason})."""
    rows = [list(r) for r in rows]
    bad = {}

    def put(index, row, says):
        rows.insert(index, row)
        bad[index + 2] = says  # +1 for the header, +1 as rows count from 1

    put(10, [date(2019, 5, 1), "Brotten", "Brotton Library", 12, "", "", "", ""], "closest: Brotton (E05001505)")
    put(50, ["31/02/2019", "Kader", "Kader Hall", 12, "", "", "", ""], "date '31/02/2019' does not exist")
    put(
        100,
        [date(2019, 6, 1), "Hemlington", "Hemlington Hall", "about 20", "", "", "", ""],
        "attendance 'about 20' is not a whole number",
    )
    # The first meeting again, with another attendance: both of its rows are refused.
    first = list(rows[0])
    first[3] = 99
    put(200, first, "duplicate meeting: rows 2, 202 are the same meeting")
    bad[2] = "duplicate meeting: rows 2, 202 are the same meeting"
    return rows, bad


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for row in rows:
            # dd/mm/yyyy, as a spreadsheet exported on a British desktop writes dates.
            writer.writerow([f"{v:%d/%m/%Y}" if isinstance(v, date) else v for v in row])


def write_xlsx(path, rows, formula_at=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    if formula_at:
        sheet.cell(row=formula_at, column=4).value = "=D2+1"
    book.save(path)


def run(runner, *args):
    return runner.invoke(args=["import", "meetings", *map(str, args)])


@pytest.fixture
def spreadsheet(db, tmp_path):
    rows, bad = with_bad_rows(historical_meetings(db))
    path = tmp_path / "meetings.csv"
    write_csv(path, rows)
    return path, rows, bad


def test_a_file_with_bad_rows_imports_nothing_and_says_which_rows_and_why(runner, db, spreadsheet):
    path, rows, bad = spreadsheet
    result = run(runner, path)
    assert result.exit_code == 1, result.output
    for number, says in bad.items():
        line = next(out for out in result.output.splitlines() if out.startswith(f"  row {number}: "))
        assert says in line, line
    assert "Nothing imported" in result.output and "--skip-invalid" in result.output
    assert count(db, Meeting) == 0 and count(db, Concern) == 0


def test_dry_run_writes_nothing(runner, db, tmp_path):
    path = tmp_path / "good.csv"
    write_csv(path, historical_meetings(db, n=60))
    result = run(runner, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "60 meetings and 60 concerns to import" in result.output and "Dry run: nothing written." in result.output
    assert count(db, Meeting) == 0


def test_skip_invalid_imports_the_rest_and_writes_rejects_then_a_second_run_creates_nothing(
    runner, db, spreadsheet, tmp_path
):
    path, rows, bad = spreadsheet
    team_ward = "E05009857"
    make_team("INT-CENTRAL", ward_codes=(team_ward,))
    rejects = tmp_path / "out" / "rejected.csv"
    rejects.parent.mkdir()
    result = run(runner, path, "--skip-invalid", "--rejects", rejects)
    assert result.exit_code == 0, result.output
    # 600 meetings less the one refused as a conflicting duplicate; its concern rows go with it.
    assert count(db, Meeting) == 599
    first_meeting_concerns = 0  # meeting 0 has i % 3 == 0 concerns
    assert count(db, Concern) == sum(i % 3 for i in range(600)) - first_meeting_concerns
    assert count(db, Concern, Concern.status != "closed") == 0 and count(db, Concern, Concern.channel != "import") == 0
    # Routed to the INT covering Central, but nobody was e-mailed about history.
    assert count(db, Concern, Concern.lead_team_id.isnot(None)) > 0 and count(db, OutboxMessage) == 0

    with open(rejects, newline="") as fh:
        rejected = list(csv.DictReader(fh))
    assert list(rejected[0]) == HEADER + ["reason"]
    assert sorted(int(r["reason"].split(":")[0].split()[1]) for r in rejected) == sorted(bad)
    assert next(r for r in rejected if r["Ward"] == "Brotten")["reason"].startswith("row 12: unknown ward 'Brotten'")
    assert f"Wrote {len(bad)} rejected rows" in result.output

    meetings, concerns = count(db, Meeting), count(db, Concern)
    again = run(runner, path, "--skip-invalid", "--rejects", rejects)
    assert "Imported 0 meetings and 0 concerns" in again.output
    assert (count(db, Meeting), count(db, Concern)) == (meetings, concerns)


def test_default_rejects_file_is_beside_the_input(runner, db, tmp_path):
    path = tmp_path / "meetings-2019.csv"
    write_csv(
        path,
        [
            [date(2019, 5, 1), "Brotten", "Library", 12, "", "", "", ""],
            [date(2019, 5, 2), "Brotton", "Library", 12, "", "", "", ""],
        ],
    )
    result = run(runner, path, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "meetings-2019.rejected.csv").exists() and count(db, Meeting) == 1


def test_xlsx_with_excel_dates_and_a_formula_reported_not_evaluated(runner, db, tmp_path, staff_client):
    rows = historical_meetings(db)
    path = tmp_path / "meetings.xlsx"
    write_xlsx(path, rows, formula_at=30)
    result = run(runner, path)
    assert result.exit_code == 1
    assert "row 30: Attendance: the formula =D2+1 is not evaluated; type the value itself" in result.output
    assert count(db, Meeting) == 0

    write_xlsx(path, rows)
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "Imported 600 meetings" in result.output
    assert count(db, Meeting) == 600 and count(db, Meeting, Meeting.kind == "pact") == len(range(0, 600, 11))

    # Counted where meetings are counted: the meetings list by date and the ward map.
    listed = staff_client.get("/api/v1/meetings?date=2019-01-10").get_json()["meetings"]
    assert [(m["ward_codes"], m["attendance"], m["vintage"]) for m in listed] == [(["E05001506"], 6, "2018-12")]
    wards = staff_client.get("/api/v1/maps/wards?from=2019-01-01&to=2023-12-31").get_json()["wards"]
    assert sum(w["meetings"] for w in wards.values()) == 600
    assert sum(w["count"] for w in wards.values()) == count(db, Concern)


def test_unreadable_files_and_missing_columns(runner, tmp_path):
    old = tmp_path / "meetings.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "save it as .xlsx or CSV" in run(runner, old).output
    nonsense = tmp_path / "meetings.xlsx"
    nonsense.write_text("not a spreadsheet")
    assert "not a readable .xlsx file" in run(runner, nonsense).output
    columns = tmp_path / "columns.csv"
    columns.write_text("When,Where\n2019-01-01,Brotton\n")
    result = run(runner, columns)
    assert result.exit_code == 2 and "no date or ward column" in result.output
