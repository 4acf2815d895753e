"""The brief and the Panel report count what was reported back (issue #21): per item, its
marks and how residents judged it; the count line ("3 concerns reported back: 2
satisfied, 1 not satisfied"), each concern by its latest mark; the same in the PDF and
Word files; the Panel report's paragraph for its period. Demo marks never in real
figures."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from docx import Document
from pypdf import PdfReader

from engage.accounts.policy import scope_for
from engage.concerns.capture import raise_concern
from engage.concerns.reporting_back import Judged, record_report_back
from engage.concerns.workflow import change_status
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set, find_ward
from engage.reports import aggregation as agg
from engage.reports.ward_brief import build_ward_brief
from tests.conftest import TODAY

CENTRAL = "E05009857"
LINE = "3 concerns reported back: 2 satisfied, 1 not satisfied"


def acted(text, is_demo=False):
    body = {"id": str(uuid.uuid4()), "ward_code": CENTRAL, "category": "speeding", "description": text}
    body["raised_at"] = datetime.combine(TODAY - timedelta(days=10), time(19), tzinfo=UTC).isoformat()
    c, _ = raise_concern(body, notify=False, is_demo=is_demo)
    change_status(c, "action_taken", f"Done about {text}", None, "test")
    db.session.commit()
    return c


def mark(user, c, view, hour, note=""):
    at = datetime.combine(TODAY, time(hour), tzinfo=UTC).isoformat()
    body = {"id": str(uuid.uuid4()), "concern_id": c.id, "view": view, "marked_at": at, "note": note}
    record_report_back(body, user)
    db.session.commit()


@pytest.fixture
def marked(app, users):
    # An app context of its own: "not satisfied" renders the lead team's e-mail.
    with app.app_context():
        officer = db.session.merge(users["officer"])  # detached once a client has logged in
        one, two, three = acted("Racing on Union Street"), acted("Parking on Marton Road"), acted("Speeding by school")
        demo = acted("Invented for the demo", is_demo=True)
        mark(officer, one, "satisfied", 8)
        mark(officer, two, "partly", 8, note="Better on weekdays")
        mark(officer, two, "not_satisfied", 9, note="Worse at weekends")  # later: this is how it was judged
        mark(officer, three, "satisfied", 9)
        mark(officer, demo, "not_satisfied", 9)
        return {"one": one.id, "two": two.id, "three": three.id}


def test_the_brief_shows_each_items_marks_and_the_count_line(app_ctx, users, marked):
    ward = find_ward(current_boundary_set(), CENTRAL)
    brief = build_ward_brief(ward, TODAY, scope_for(db.session.merge(users["staff"])))
    assert brief.reported_back == Judged(satisfied=2, partly=0, not_satisfied=1)
    assert brief.reported_back.sentence == LINE
    two = next(c for c in brief.since_concerns.items if c.id == marked["two"])
    assert [(m.label, m.note) for m in two.marks] == [
        ("Partly satisfied", "Better on weekdays"),
        ("Not satisfied", "Worse at weekends"),
    ]
    assert two.judged.view == "not_satisfied" and two.is_open  # reopened by the not-satisfied mark
    demo = build_ward_brief(ward, TODAY, scope_for(db.session.merge(users["staff"])), "demo")
    assert demo.reported_back == Judged(not_satisfied=1)


def test_the_page_pdf_and_word_file_say_it(staff_client, marked):
    page = staff_client.get(f"/wards/{CENTRAL}/brief").get_data(as_text=True)
    assert LINE in page and "Worse at weekends" in page
    assert f"Reported back {TODAY.day} {TODAY:%B %Y}" in page
    pdf = staff_client.get(f"/wards/{CENTRAL}/brief.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert LINE in text and "Not satisfied" in text
    docx = Document(io.BytesIO(staff_client.get(f"/wards/{CENTRAL}/brief.docx").data))
    words = "\n".join(
        [p.text for p in docx.paragraphs] + [c.text for t in docx.tables for r in t.rows for c in r.cells]
    )
    assert LINE in words and "Reported back" in words and "Worse at weekends" in words


def test_the_panel_report_counts_the_concerns_reported_back_in_its_period(app_ctx, marked):
    period = agg.Period(date(TODAY.year, 2, 1), TODAY)
    assert agg.reported_back(period, "real") == Judged(satisfied=2, partly=0, not_satisfied=1)
    assert agg.reported_back(period, "demo") == Judged(not_satisfied=1)
    assert agg.reported_back(agg.Period(date(TODAY.year, 2, 1), TODAY - timedelta(days=1)), "real").total == 0


def test_the_panel_report_says_it_in_section_3(staff_client, marked):
    answer = staff_client.post("/reports/panel", data={"from": date(TODAY.year, 2, 1), "to": TODAY, "format": "docx"})
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.data)).paragraphs)
    paragraph = next(line for line in text.splitlines() if "reported back to residents" in line)
    assert paragraph.startswith("3.")
    assert paragraph.endswith(
        "At meetings in the period 3 concerns raised earlier were reported back to residents: they were satisfied "
        "with the outcome of 2, partly satisfied with none and not satisfied with 1. That concern was put back to "
        "its lead team with the residents' comments."
    )
