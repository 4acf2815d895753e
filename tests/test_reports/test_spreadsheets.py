"""Exports staff can work with: Excel files with real dates and numbers, headers in words,
labels and codes, a frozen header and a filter; the CSV keeps its columns and gains labels;
and a wards export for the Panel appendix, counted as the policy allows."""

import csv
import io
import uuid
from datetime import date, datetime, timedelta

from openpyxl import load_workbook

from engage.platform.dates import last_twelve_months
from tests.conftest import TODAY

CENTRAL, NEWPORT, YARM = "E05009857", "E05009866", "E05001552"
OLD_CONCERN_COLUMNS = [
    "id", "raised_at", "category", "description", "ward_code", "ward_name", "authority", "vintage", "lon", "lat",
    "grid_ref", "residents", "priority", "status", "lead_team", "we_did", "meeting_id", "channel", "needs_review",
    "is_demo",
]  # fmt: skip


def meeting(client, ward, day, status="held", venue="Town Hall", attendance=12):
    body = {"id": str(uuid.uuid4()), "ward_codes": [ward], "venue": venue, "date": day.isoformat()}
    body.update(status=status, attendance=attendance)
    assert client.post("/api/v1/meetings", json=body).status_code == 201
    return body["id"]


def concern(client, ward, category="speeding"):
    body = {"id": str(uuid.uuid4()), "category": category, "description": "Racing", "ward_code": ward}
    assert client.post("/api/v1/concerns", json=body).status_code == 201
    return body["id"]


def sheet(client, url):
    answer = client.get(url)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return load_workbook(io.BytesIO(answer.data)).active


def by_header(ws, header_row=1):
    headers = [c.value for c in ws[header_row]]
    return headers, [dict(zip(headers, (c.value for c in row))) for row in ws.iter_rows(min_row=header_row + 1)]


def test_concerns_in_excel_have_real_dates_numbers_words_and_codes(officer_client, staff_client):
    concern(officer_client, CENTRAL)
    ws = sheet(staff_client, "/exports/concerns.xlsx")
    headers, rows = by_header(ws)
    assert headers[:3] == ["Raised at (UK time)", "Category", "What was raised"]
    assert {"Category code", "Status code", "Ward code", "Concern id"} <= set(headers)
    row = rows[0]
    assert isinstance(row["Raised at (UK time)"], datetime)
    assert (
        row["Raised at (UK time)"].date() == TODAY and row["Raised at (UK time)"].hour == 11
    )  # 10:30 UTC is 11:30 BST
    raised = ws.cell(row=2, column=1)
    assert raised.is_date and raised.number_format == "DD/MM/YYYY HH:MM"
    assert row["Category"] == "Speeding and road safety" and row["Category code"] == "speeding"
    assert row["Status"] == "New" and row["Status code"] == "new"
    assert row["Residents"] == 1 and isinstance(row["Residents"], int)
    assert row["Demo"] == "no"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(headers)).column_letter}2"
    assert ws.column_dimensions["C"].width == 60 and ws["A1"].font.bold


def test_meetings_in_excel_have_date_cells_and_attendance_as_numbers(officer_client, staff_client):
    meeting(officer_client, CENTRAL, TODAY - timedelta(days=3), attendance=31)
    ws = sheet(staff_client, "/exports/meetings.xlsx")
    headers, rows = by_header(ws)
    row = rows[0]
    assert row["Date"] == datetime.combine(TODAY - timedelta(days=3), datetime.min.time())
    assert ws.cell(row=2, column=1).number_format == "DD/MM/YYYY"
    assert row["Attendance"] == 31 and row["Kind"] == "Your Force Your Voice"
    assert row["Kind code"] == "your_force_your_voice" and row["Status"] == "Held" and row["Status code"] == "held"
    assert row["PCC attended"] == "no"


def test_the_csv_keeps_its_columns_and_gains_labels_beside_the_codes(officer_client, staff_client):
    concern(officer_client, CENTRAL)
    text = staff_client.get("/exports/concerns.csv").get_data(as_text=True)
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    assert [c for c in reader.fieldnames if c in OLD_CONCERN_COLUMNS] == OLD_CONCERN_COLUMNS
    assert reader.fieldnames.index("category_label") == reader.fieldnames.index("category") + 1
    assert rows[0]["category_label"] == "Speeding and road safety" and rows[0]["status_label"] == "New"
    assert rows[0]["raised_at"].startswith(TODAY.isoformat() + "T") and rows[0]["is_demo"] == "False"


def test_the_wards_export_counts_each_ward_as_a_direct_count_does(officer_client, staff_client, inspector_client):
    meeting(officer_client, CENTRAL, TODAY)
    meeting(officer_client, CENTRAL, TODAY - timedelta(days=40), venue="Library")
    meeting(officer_client, CENTRAL, TODAY + timedelta(days=30), status="planned", venue="School")
    concern(officer_client, CENTRAL)
    concern(officer_client, CENTRAL, "drugs")
    concern(officer_client, YARM)
    rows = {
        r["ward_code"]: r for r in csv.DictReader(io.StringIO(staff_client.get("/exports/wards.csv").data.decode()))
    }
    assert len(rows) == 79
    central = rows[CENTRAL]
    assert central["meetings"] == "2" and central["last_meeting"] == TODAY.isoformat()  # today's counts
    assert central["next_planned"] == (TODAY + timedelta(days=30)).isoformat()
    assert central["category:speeding"] == "1" and central["category:drugs"] == "1"
    assert central["concerns"] == "2" and central["open"] == "2" and central["closed"] == "0"
    assert rows[NEWPORT]["concerns"] == "0" and rows[NEWPORT]["last_meeting"] == ""

    ws = sheet(staff_client, "/exports/wards.xlsx")
    start, end = last_twelve_months(TODAY)
    assert ws["A1"].value == f"Wards, {start:%-d %B %Y} to {end:%-d %B %Y}."
    headers, xrows = by_header(ws, header_row=2)
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:")
    central = next(r for r in xrows if r["Ward code"] == CENTRAL)
    assert central["Speeding and road safety"] == 1 and central["Meetings held in the period"] == 2
    assert central["Last meeting"] == datetime.combine(TODAY, datetime.min.time())

    # An inspector's file: only their wards, and only what they may see.
    mine = list(csv.DictReader(io.StringIO(inspector_client.get("/exports/wards.csv").data.decode())))
    assert {r["ward_code"] for r in mine} == {CENTRAL, NEWPORT, "E05009867"}
    assert "Counts only the concerns" in sheet(inspector_client, "/exports/wards.xlsx")["A1"].value


def test_sample_designations_are_labelled_in_the_wards_export(db, staff_client):
    import sqlalchemy as sa

    from engage.geography.models import Ward, WardDesignation

    ward = db.session.scalar(sa.select(Ward).where(Ward.code == CENTRAL))
    db.session.add(WardDesignation(ward=ward, designation="support", effective_from=date(2020, 1, 1), is_sample=True))
    db.session.commit()
    rows = {
        r["ward_code"]: r for r in csv.DictReader(io.StringIO(staff_client.get("/exports/wards.csv").data.decode()))
    }
    assert rows[CENTRAL]["designation"] == "Support (sample)"


def test_bad_export_requests_say_what_is_wrong(staff_client):
    assert staff_client.get("/exports/wards.geojson").status_code == 404
    bad = staff_client.get("/exports/wards.csv?from=yesterday")
    assert bad.status_code == 400 and "is not a date" in bad.get_data(as_text=True)
    demo = staff_client.get("/exports/wards.csv?source=demo")
    assert demo.status_code == 200 and "wards-DEMO.csv" in demo.headers["Content-Disposition"]


def test_text_longer_than_an_excel_cell_is_cut_and_says_so():
    from engage.reports.spreadsheet import CELL_LIMIT, cell_value

    whole = "Bikes on the field. " * 2000  # 40,000 characters, as an Open311 report may be
    cut = cell_value(whole)
    assert len(cut) == CELL_LIMIT and cut.startswith(whole[:1000])
    assert cut.endswith("[cut: the whole text is on the concern's page in engage]")
    assert cell_value("short") == "short"
