"""police.uk's counts on the ward page and in the brief: the last months imported, the
chosen crime types beside the concerns raised, and the caveat."""

from __future__ import annotations

import io
import uuid

import lxml.html
import pytest
import sqlalchemy as sa
from docx import Document
from pypdf import PdfReader

from engage.demo.services import clear_demo, load_demo
from engage.extensions import db as _db
from engage.platform.audit import AuditEvent
from engage.records.models import RecordedMonth
from engage.records.policeuk import import_policeuk_files
from engage.records.ward_recorded import CAVEAT
from tests.test_records.policeuk_files import ASB, Row, label_points, write_street_file

CENTRAL, NEWPORT = "E05009857", "E05009866"


@pytest.fixture
def imported(app, today, tmp_path):
    with app.app_context():
        points = label_points([CENTRAL, NEWPORT])
        may = [Row("2026-05", ASB, points[CENTRAL])] + [Row("2026-05", "Drugs", points[NEWPORT])] * 4
        june = [Row("2026-06", ASB, points[CENTRAL])] * 3 + [
            Row("2026-06", "Burglary", points[CENTRAL]),
            Row("2026-06", "Shoplifting", points[CENTRAL]),
            Row("2026-06", "Shoplifting", points[CENTRAL]),
            Row("2026-06", ASB, points[NEWPORT]),
        ]
        import_policeuk_files(
            [write_street_file(tmp_path / "may.csv", may), write_street_file(tmp_path / "june.csv", june)]
        )
        _db.session.commit()


def recorded_rows(html: str) -> dict[str, list[str]]:
    """The recorded table's rows by their first cell, each as its cells' text."""
    tree = lxml.html.fromstring(html)
    return {
        tr[0].text_content().strip(): [cell.text_content().strip() for cell in tr[1:]]
        for tr in tree.xpath("//table[contains(@class, 'recorded-table')]/*[self::tbody or self::tfoot]/tr")
    }


def test_the_ward_page_shows_the_months_counts_beside_concerns_with_the_caveat(
    imported, staff_client, officer_client, client
):
    for _ in range(2):
        answer = officer_client.post(
            "/api/v1/concerns",
            json={
                "id": str(uuid.uuid4()),
                "category": "drugs",
                "description": "Gangs by the shops",
                "ward_code": CENTRAL,
            },
        )
        assert answer.status_code == 201, answer.get_json()

    page = staff_client.get(f"/wards/{CENTRAL}").get_data(as_text=True)

    assert "Recorded by police (police.uk)" in page and CAVEAT.replace("'", "&#39;") in page
    # ASB, burglary, criminal damage, vehicle crime, drugs, violence; all recorded; concerns raised.
    assert recorded_rows(page) == {
        "June 2026": ["3", "1", "0", "0", "0", "0", "6", "2"],
        "May 2026": ["1", "0", "0", "0", "0", "0", "1", "0"],
        "2 months": ["4", "1", "0", "0", "0", "0", "7", "2"],
    }
    newport = staff_client.get(f"/wards/{NEWPORT}").get_data(as_text=True)
    assert recorded_rows(newport)["May 2026"] == ["0", "0", "0", "0", "4", "0", "4", "0"]
    # The public see the ward's public facts only.
    assert "Recorded by police" not in client.get(f"/wards/{CENTRAL}").get_data(as_text=True)


def test_with_nothing_imported_the_page_says_how_to_import(staff_client):
    page = staff_client.get(f"/wards/{CENTRAL}").get_data(as_text=True)
    assert "No police.uk months have been imported yet" in page
    assert "records import-policeuk" in page


def test_demo_months_show_only_as_demo_and_never_replace_a_real_month(app, today, runner, tmp_path, staff_client):
    with app.app_context():
        points = label_points([CENTRAL])
        import_policeuk_files([write_street_file(tmp_path / "may.csv", [Row("2026-05", ASB, points[CENTRAL])] * 5)])
        _db.session.commit()

    result = runner.invoke(args=["records", "demo"])
    assert result.output.strip() == "Demo police.uk months: 11 added; 1 month with a real import kept."

    real = staff_client.get(f"/wards/{CENTRAL}?source=real").get_data(as_text=True)
    assert list(recorded_rows(real)) == ["May 2026", "1 month"]
    assert recorded_rows(real)["May 2026"][0] == "5"
    demo = staff_client.get(f"/wards/{CENTRAL}?source=demo").get_data(as_text=True)
    months = list(recorded_rows(demo))
    assert "May 2026" not in months and months[0] == "April 2026" and months[-1] == "11 months"
    assert "These are demo figures" in demo and "These are demo figures" not in real


def test_the_brief_page_pdf_and_word_file_carry_the_counts_and_the_caveat(imported, staff_client):
    page = staff_client.get(f"/wards/{CENTRAL}/brief").get_data(as_text=True)
    tree = lxml.html.fromstring(page)
    (table,) = tree.xpath("//table[contains(@class, 'recorded')]")
    rows = [[c.text_content().strip() for c in tr] for tr in table.xpath("./tbody/tr")]
    assert rows == [
        ["June 2026", "3", "1", "0", "0", "0", "0", "6", "0"],
        ["2 months to June 2026", "4", "1", "0", "0", "0", "0", "7", "0"],
    ]
    assert CAVEAT in tree.text_content()

    pdf = PdfReader(io.BytesIO(staff_client.get(f"/wards/{CENTRAL}/brief.pdf").data))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Recorded by police (police.uk)" in text and "snaps each crime to one of a set of map points" in text
    assert len(pdf.pages) <= 2

    doc = Document(io.BytesIO(staff_client.get(f"/wards/{CENTRAL}/brief.docx").data))
    (recorded,) = [t for t in doc.tables if t.rows[0].cells[0].text == "Months"]
    assert [c.text for c in recorded.rows[1].cells] == ["June 2026", "3", "1", "0", "0", "0", "0", "6", "0"]
    assert any(CAVEAT in p.text for p in doc.paragraphs)


def test_demo_load_adds_the_demo_months_once_and_demo_clear_takes_them_out(app_ctx, today):
    assert load_demo(only=("police.uk months",)) == ["Demo police.uk months: 12 added."]
    _db.session.commit()
    events = _db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert load_demo(only=("police.uk months",)) == ["Demo police.uk months: 0 added; 12 already there."]
    _db.session.commit()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events
    months = _db.session.scalars(sa.select(RecordedMonth)).all()
    assert len(months) == 12 and all(m.is_demo for m in months)

    clear_demo(only=("police.uk months",))
    _db.session.commit()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(RecordedMonth)) == 0
