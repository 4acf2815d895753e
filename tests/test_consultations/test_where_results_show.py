"""Where a consultation's results show: the ward page (beside the concerns), the ward
brief (page and Word), the map's "Consultation priorities" layer and a numbered section
of the Panel report when a consultation closed in its period."""

from __future__ import annotations

import html as html_module
import io
import random
import re
import string
from datetime import date, timedelta

from docx import Document

from engage.consultations.services import create_consultation, record_response
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from tests.conftest import TODAY

CENTRAL, NEWPORT = "E05009857", "E05009866"
PRIORITIES = ["Off-road bikes and quads", "Speeding", "Drugs"]


def tag():
    return "".join(random.choices(string.ascii_lowercase, k=8))


def ward_id(code):
    return db.session.scalar(
        db.select(Ward.id).where(Ward.code == code, Ward.boundary_set_id == current_boundary_set().id)
    )


def make(app, *, closes_on, answers, is_demo=False, threshold=3):
    """A consultation and its answers: {ward code: [[labels], ...]}."""
    with app.app_context():
        c = create_consultation(
            title=f"Priorities {tag()}",
            opens_on=closes_on - timedelta(days=40),
            closes_on=closes_on,
            options=PRIORITIES,
            today=closes_on - timedelta(days=41),
            actor="staff@example.org",
            threshold=threshold,
            is_demo=is_demo,
        )
        ids = {o.label: o.id for o in c.options}
        for code, rows in answers.items():
            for i, labels in enumerate(rows):
                record_response(
                    c,
                    ward_id=ward_id(code),
                    option_ids=[ids[label] for label in labels],
                    today=closes_on,
                    channel="paper" if i % 2 else "event",
                    source_ref=tag(),
                )
        db.session.commit()
        return c.slug, c.title, {label: str(i) for label, i in ids.items()}


ANSWERS = {CENTRAL: [["Drugs", "Speeding"], ["Drugs"], ["Drugs"], ["Speeding"]], NEWPORT: [["Speeding"]]}


def text(html):
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_ward_page_shows_its_priorities_beside_the_concerns(app, staff_client, client):
    _slug, title, _ids = make(app, closes_on=TODAY - timedelta(days=5), answers=ANSWERS)
    page = text(staff_client.get(f"/wards/{CENTRAL}").get_data(as_text=True))
    assert "What residents told the consultation" in page and title in page
    assert "4 responses from Central" in page and "Drugs 3 75%" in page
    small = text(staff_client.get(f"/wards/{NEWPORT}").get_data(as_text=True))
    assert "Too few responses (1): figures are given from 3." in small and "Speeding 1" not in small
    # Nobody signed in sees the public facts only, as for the concerns.
    assert "What residents told the consultation" not in client.get(f"/wards/{CENTRAL}").get_data(as_text=True)


def test_a_demo_consultation_shows_only_on_the_demo_page(app, staff_client):
    _slug, title, _ids = make(app, closes_on=TODAY - timedelta(days=5), answers=ANSWERS, is_demo=True)
    assert title not in staff_client.get(f"/wards/{CENTRAL}").get_data(as_text=True)
    assert title in staff_client.get(f"/wards/{CENTRAL}?source=demo").get_data(as_text=True)


def test_the_brief_page_and_word_file_give_the_top_priorities(app, staff_client):
    _slug, title, _ids = make(app, closes_on=TODAY - timedelta(days=5), answers=ANSWERS)
    page = text(staff_client.get(f"/wards/{CENTRAL}/brief").get_data(as_text=True))
    assert f"{title}," in page and "4 responses from the ward. Its top priorities: Drugs 75%; Speeding 50%." in page
    newport = text(staff_client.get(f"/wards/{NEWPORT}/brief").get_data(as_text=True))
    assert "too few responses (1) from the ward to give shares (they are given from 3)" in newport
    doc = Document(io.BytesIO(staff_client.get(f"/wards/{CENTRAL}/brief.docx").data))
    lines = [p.text for p in doc.paragraphs]
    assert "What residents told the consultation" in lines
    assert any("Its top priorities: Drugs 75%; Speeding 50%." in line for line in lines)


def test_the_map_layer_gives_each_ward_its_share_or_none_below_the_threshold(app, staff_client, inspector_client):
    slug, _title, ids = make(app, closes_on=TODAY - timedelta(days=5), answers=ANSWERS)
    data = staff_client.get(f"/api/v1/maps/priorities?consultation={slug}&priority={ids['Drugs']}").get_json()
    assert data["priority"]["label"] == "Drugs" and data["threshold"] == 3 and data["responses"] == 5
    assert data["wards"][CENTRAL] == {"responses": 4, "share": 0.75, "class": 3}
    assert data["wards"][NEWPORT] == {"responses": 1, "share": None, "class": None}
    assert data["below_threshold"] == [NEWPORT] and data["whole_share"] == 0.6
    assert [c["wards"] for c in data["classes"]] == [0, 0, 0, 1, 0]
    # Without a choice: the latest consultation with responses and its most chosen priority.
    default = staff_client.get("/api/v1/maps/priorities").get_json()
    assert default["consultation"] == slug and default["priority"]["label"] in ("Drugs", "Speeding")
    wrong = staff_client.get(f"/api/v1/maps/priorities?consultation={slug}&priority=abc")
    assert wrong.status_code == 400 and "“abc” is not one of the priorities" in wrong.get_json()["error"]
    assert "maps_priorities.js" in staff_client.get("/maps").get_data(as_text=True)


def test_the_panel_report_has_a_section_when_a_consultation_closed_in_its_period(app, staff_client):
    period = f"from={date(TODAY.year, 2, 1)}&to={TODAY}"
    before = staff_client.get(f"/reports/panel?{period}").get_data(as_text=True)
    assert "Priorities consultation" not in before
    _slug, title, _ids = make(app, closes_on=TODAY - timedelta(days=10), answers=ANSWERS)
    make(app, closes_on=date(TODAY.year - 1, 6, 1), answers=ANSWERS)  # closed before the period: not in it
    page = staff_client.get(f"/reports/panel?{period}").get_data(as_text=True)
    document = page[page.index('class="panel-document') :]
    headings = re.findall(r"<h3>(\d\. [^<]+)</h3>", document)
    assert headings[:6] == [
        "1. Purpose of Report",
        "2. Background",
        "3. Your Force Your Voice",
        "4. Priorities consultation",
        "5. Other Meetings",
        "6. Future Engagement / Meetings",
    ]
    words = text(document)
    assert f"“{title}”" in words and "It drew 5 responses (2 paper form and 3 event)" in words
    assert "Across Cleveland the priorities chosen most were speeding (60%) and drugs (60%)." in words
    assert "Middlesbrough 5 speeding (60%) and drugs (60%)" in words
    assert "In 1 ward fewer than 3 residents responded, too few to give shares: Newport." in words
    assert words.count("“Priorities ") == 1
    docx = staff_client.post("/reports/panel", data={"from": date(TODAY.year, 2, 1), "to": TODAY, "format": "docx"})
    lines = [p.text for p in Document(io.BytesIO(docx.data)).paragraphs]
    assert "4. Priorities consultation" in lines and any(
        line.startswith("4.1\tThe PCC's consultation") for line in lines
    )
