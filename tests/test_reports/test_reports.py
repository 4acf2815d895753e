import csv
import io
import json
import uuid
from datetime import timedelta

import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from engage.platform.audit import AuditEvent
from tests.conftest import TODAY

FROM, TO = (TODAY - timedelta(days=30)).isoformat(), TODAY.isoformat()


def seed(officer_client, demo=False):
    meeting = str(uuid.uuid4())
    officer_client.post(
        "/api/v1/meetings",
        json={
            "id": meeting,
            "ward_codes": ["E05009857"],
            "venue": "Town Hall",
            "date": (TODAY - timedelta(days=3)).isoformat(),
            "attendance": 31,
        },
    )
    for category in ("off_road_bikes", "off_road_bikes", "drugs"):
        officer_client.post(
            "/api/v1/concerns",
            json={
                "id": str(uuid.uuid4()),
                "meeting_id": meeting,
                "category": category,
                "description": '=HYPERLINK("x")',
            },
        )
    officer_client.post(
        "/api/v1/concerns",
        json={
            "id": str(uuid.uuid4()),
            "category": "speeding",
            "description": "x",
            "ward_code": "E05001552",
            "contact_name": "Mrs Smith",
            "contact_details": "07700 900123",
            "contact_consent": True,
        },
    )
    return meeting


def test_panel_report_preview_docx_and_pdf(officer_client, staff_client, db):
    seed(officer_client)
    preview = staff_client.get(f"/reports/panel?from={FROM}&to={TO}").get_data(as_text=True)
    assert "Programme of Engagement" in preview and "attended by 31 residents" in preview
    assert 'Off-road motorbikes and quads</td><td class="n">2</td>' in preview
    assert "data:image/png;base64," in preview  # the map
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    edited = {"from": FROM, "to": yesterday, "p:purpose": "A purpose written by staff.", "format": "docx"}
    docx = staff_client.post("/reports/panel", data=edited)
    assert docx.status_code == 200 and "attachment" in docx.headers["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "1.1\tA purpose written by staff." in text and "attended by 31 residents" in text
    assert "DEMO" not in text
    pdf = staff_client.post("/reports/panel", data={**edited, "format": "pdf"})
    reader = PdfReader(io.BytesIO(pdf.data))
    pdf_text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Programme of Engagement" in pdf_text and "31 residents" in pdf_text
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity == "panel_report")).all()
    assert len(events) == 2 and events[0].actor == "staff@example.org"
    # Now "since the last report" is offered.
    assert "Since the last report" in staff_client.get("/reports").get_data(as_text=True)


def test_a_report_over_demo_data_says_so_on_every_page(app_ctx, db, staff_client):
    from engage.demo.services import load_demo

    load_demo()
    db.session.commit()
    start = (TODAY - timedelta(days=200)).isoformat()
    pdf = staff_client.post("/reports/panel", data={"from": start, "to": TO, "format": "pdf"})
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    assert len(pages) > 1 and all("DEMO DATA" in page.extract_text() for page in pages)
    docx = Document(
        io.BytesIO(staff_client.post("/reports/panel", data={"from": start, "to": TO, "format": "docx"}).data)
    )
    assert "DEMO DATA" in docx.sections[0].header.paragraphs[0].text


def test_report_period_errors(staff_client, inspector_client):
    bad = staff_client.get("/reports/panel?from=2026-05-01&to=2026-04-01")
    assert bad.status_code == 400 and "before it starts" in bad.get_data(as_text=True)
    assert staff_client.get("/reports/panel?from=soon&to=later").status_code == 400
    assert inspector_client.get("/reports").status_code == 403


def test_report_cli(runner, officer_client, tmp_path):
    seed(officer_client)
    out = tmp_path / "report.docx"
    result = runner.invoke(args=["report", "panel", "--from", FROM, "--to", TO, "--format", "docx", "--out", str(out)])
    assert result.exit_code == 0 and "1 meetings, 4 concerns" in result.output
    assert "Programme of Engagement" in "\n".join(p.text for p in Document(str(out)).paragraphs)
    bad = runner.invoke(args=["report", "panel", "--from", "2026-02-01", "--to", "2026-01-01", "--out", str(out)])
    assert bad.exit_code == 2 and "before it starts" in bad.output


def test_coverage_names_the_wards_not_visited(officer_client, staff_client):
    seed(officer_client)
    page = staff_client.get("/reports/coverage").get_data(as_text=True)
    assert "<strong>1 of 79</strong>" in page and "Yarm" in page and "never recorded" in page
    rows = list(csv.DictReader(io.StringIO(staff_client.get("/reports/coverage?format=csv").get_data(as_text=True))))
    assert len(rows) == 79 and sum(r["visited_in_period"] == "yes" for r in rows) == 1


def test_exports_scoped_neutralised_and_audited(officer_client, inspector_client, staff_client, db):
    seed(officer_client)
    data = staff_client.get("/exports/concerns.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(data)))
    assert len(rows) == 4 and "contact_name" not in rows[0]
    assert all(not r["description"].startswith("=") for r in rows)  # CSV injection neutralised
    with_contact = list(
        csv.DictReader(io.StringIO(staff_client.get("/exports/concerns.csv?contact=1").get_data(as_text=True)))
    )
    assert {r["contact_name"] for r in with_contact} == {"", "Mrs Smith"}
    # The inspector's export has only their wards and never contact details.
    mine = list(
        csv.DictReader(io.StringIO(inspector_client.get("/exports/concerns.csv?contact=1").get_data(as_text=True)))
    )
    assert len(mine) == 3 and "contact_name" not in mine[0]
    workbook = load_workbook(io.BytesIO(staff_client.get("/exports/meetings.xlsx").data))
    assert workbook.active.max_row == 2 and workbook.active["F2"].value == "Town Hall"  # Venue
    geo = json.loads(staff_client.get("/exports/concerns.geojson").data)
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 4
    assert staff_client.get("/exports/concerns.csv?from=never").status_code == 400
    assert officer_client.get("/exports/concerns.csv").status_code == 403
    audited = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity == "export")).all()
    assert len(audited) == 5 and any(e.changes["contact_details"][1] for e in audited)
