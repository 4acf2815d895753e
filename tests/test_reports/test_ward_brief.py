"""The ward brief (issue #21): what is listed since the ward's previous meeting, what is
open and overdue, themes against the authority and Cleveland, who sees what, the page
with no meetings, bad input, and the PDF and Word files (read back)."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from docx import Document
from pypdf import PdfReader

from engage.accounts.policy import scope_for
from engage.concerns.capture import raise_concern, record_meeting
from engage.concerns.workflow import change_status
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set, find_ward
from engage.geography.models import Ward
from engage.platform.audit import AuditEvent
from engage.reports.ward_brief import build_ward_brief
from tests.conftest import TODAY, logged_in_client, make_team, make_user

CENTRAL, NEWPORT = "E05009857", "E05009866"  # Middlesbrough, in the inspector's team (INT-TEST)


def days_ago(n: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=n), time(19, 0), tzinfo=UTC)


def meeting(ward: str, ago: int, venue: str = "St Hilda's Hall", status: str = "held", attendance=None):
    body = {"id": str(uuid.uuid4()), "ward_codes": [ward], "date": (TODAY - timedelta(days=ago)).isoformat()}
    body |= {"venue": venue, "status": status}
    if attendance is not None:
        body["attendance"] = attendance
    m, _ = record_meeting(body)
    db.session.commit()
    return m


def concern(ward: str, ago: int, category: str = "speeding", text: str = "Cars racing", due_ago: int | None = None):
    body = {"id": str(uuid.uuid4()), "ward_code": ward, "category": category, "description": text}
    body["raised_at"] = days_ago(ago).isoformat()
    c, _ = raise_concern(body, notify=False)
    c.due_date = TODAY - timedelta(days=due_ago) if due_ago is not None else None
    db.session.commit()
    return c


def stockton_ward() -> str:
    return db.session.scalar(
        sa.select(Ward.code)
        .where(Ward.boundary_set_id == current_boundary_set().id, Ward.local_authority.has(code="E06000004"))
        .order_by(Ward.code)
    )


@pytest.fixture
def central(app, users, team):
    """Central: meetings 60 and 20 days ago, one planned; concerns before and after the
    later meeting, one of them overdue, one acted on."""
    meeting(CENTRAL, 60, venue="Old Library", attendance=12)
    meeting(CENTRAL, 20, venue="St Hilda's Hall", attendance=31)
    meeting(CENTRAL, -14, venue="Community Centre", status="planned")
    before = concern(CENTRAL, 30, text="Parked on the pavement by the school")
    at_meeting = concern(CENTRAL, 20, category="drugs", text="Dealing in the park")
    overdue = concern(CENTRAL, 10, text="Racing on Union Street", due_ago=1)
    acted = concern(CENTRAL, 5, text="Speeding on Marton Road")
    change_status(acted, "action_taken", "Speed checks on Tuesdays", None, "test")
    db.session.commit()
    return {"before": before, "at_meeting": at_meeting, "overdue": overdue, "acted": acted}


def test_only_concerns_since_the_previous_meeting_are_listed_oldest_open_first(app_ctx, users, central):
    ward = find_ward(current_boundary_set(), CENTRAL)
    brief = build_ward_brief(ward, TODAY, scope_for(users["staff"]))
    assert brief.previous_meeting == TODAY - timedelta(days=20)
    listed = [c.id for c in brief.since_concerns.items]
    # The concern raised at the previous meeting is in; the one before it is not.
    assert listed == [central["at_meeting"].id, central["overdue"].id, central["acted"].id]
    acted = brief.since_concerns.items[-1]
    assert acted.status == "Action taken" and acted.we_did == "Speed checks on Tuesdays" and acted.age_days == 5
    assert brief.since_concerns.items[0].lead_team  # routed to the ward's INT
    # Still open: all three open concerns, one overdue; the earlier one carried over.
    assert (brief.open_total, brief.overdue_total) == (3, 1)
    assert [c.id for c in brief.earlier_open.items] == [central["before"].id]
    assert [c.overdue for c in brief.since_concerns.items] == [False, True, False]
    assert [m.venue for m in brief.held.items] == ["St Hilda's Hall", "Old Library"]
    assert [m.venue for m in brief.planned.items] == ["Community Centre"]


def test_the_page_says_it_in_plain_english(staff_client, central):
    answer = staff_client.get(f"/wards/{CENTRAL}/brief")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    previous = TODAY - timedelta(days=20)
    assert f"since the previous meeting on {previous.day} {previous:%B %Y}" in page
    assert "Middlesbrough" in page and "31 residents" in page and "OVERDUE" in page
    assert "Speed checks on Tuesdays" in page and "Parked on the pavement" in page
    assert "None published yet for this ward." in page and "Community Centre" in page
    assert "DEMO DATA" not in page
    # Linked from the ward page, its planned meetings and the inbox's ward view.
    assert f"/wards/{CENTRAL}/brief" in staff_client.get(f"/wards/{CENTRAL}").get_data(as_text=True)
    assert f"/wards/{CENTRAL}/brief" in staff_client.get(f"/inbox/wards/{CENTRAL}").get_data(as_text=True)


def test_themes_against_the_authority_and_cleveland(app_ctx, users, central):
    concern(NEWPORT, 40, category="drugs")  # Middlesbrough
    concern(stockton_ward(), 40, category="drugs")  # Stockton-on-Tees
    concern(CENTRAL, 400, category="drugs")  # over a year ago: not a theme
    ward = find_ward(current_boundary_set(), CENTRAL)
    themes = build_ward_brief(ward, TODAY, scope_for(users["staff"])).themes
    rows = {r.label: (r.ward, r.authority, r.cleveland) for r in themes.rows}
    speeding = next(label for label in rows if rows[label][0] == 3)
    drugs = next(label for label in rows if label != speeding)
    assert rows[speeding] == (3, 3, 3) and rows[drugs] == (1, 2, 3)
    assert (themes.ward_total, themes.authority_total, themes.cleveland_total) == (4, 5, 6)
    assert themes.share(3, 4) == "75%" and themes.whole


def test_an_inspector_sees_their_scope_only(app, users, central):
    stockton = stockton_ward()
    other_team = make_team("INT-STOCK", ward_codes=(stockton,), lad_code="E06000004")
    hidden = concern(stockton, 3, category="drugs", text="Elsewhere entirely")
    assert hidden.lead_team_id == other_team.id
    inspector = logged_in_client(app, users["inspector"])
    page = inspector.get(f"/wards/{CENTRAL}/brief").get_data(as_text=True)
    assert "Racing on Union Street" in page and "Counted over the concerns you may see." in page
    with app.app_context():
        ward = find_ward(current_boundary_set(), CENTRAL)
        themes = build_ward_brief(ward, TODAY, scope_for(db.session.merge(users["inspector"]))).themes
        assert themes.cleveland_total == 4 and not themes.whole  # the Stockton concern is not theirs
    # A ward outside the inspector's area: the same 404 as the inbox gives.
    assert inspector.get(f"/wards/{stockton}/brief").status_code == 404
    assert inspector.get(f"/wards/{stockton}/brief.pdf").status_code == 404
    # A partner agency covering all of Cleveland opens it, sees no meetings and only what is routed to it.
    partner_team = make_team("CFB-TEST", ward_codes=(), kind="partner", coverage="all")
    partner = logged_in_client(app, make_user("partner@example.org", "inspector", teams=[partner_team]))
    partner_page = partner.get(f"/wards/{stockton}/brief").get_data(as_text=True)
    assert "Meetings are not shown to partner agencies." in partner_page
    assert "Elsewhere entirely" not in partner_page and "No concern is open in the ward." in partner_page


def test_a_ward_with_no_meetings_says_so_and_still_lists_open_concerns(app_ctx, users, team):
    recent = concern(NEWPORT, 10, text="Bins set alight")
    old = concern(NEWPORT, 500, text="Motorbikes on the beck path")
    ward = find_ward(current_boundary_set(), NEWPORT)
    brief = build_ward_brief(ward, TODAY, scope_for(users["staff"]))
    assert brief.previous_meeting is None and not brief.held.items
    assert [c.id for c in brief.since_concerns.items] == [recent.id]
    assert [c.id for c in brief.earlier_open.items] == [old.id]
    assert brief.open_total == 2


def test_the_page_with_no_meetings(staff_client, team):
    concern(NEWPORT, 10, text="Bins set alight")
    page = staff_client.get(f"/wards/{NEWPORT}/brief").get_data(as_text=True)
    assert "No meetings have been recorded in this ward." in page
    assert "in the last 12 months" in page and "Bins set alight" in page
    assert "No meetings are planned in this ward." in page


def test_bad_input_is_answered_with_a_message_never_a_500(staff_client, client, team):
    unknown = staff_client.get("/wards/E05999999/brief")
    assert unknown.status_code == 404 and "no ward with the code" in unknown.get_data(as_text=True)
    assert staff_client.get("/wards/" + "x" * 300 + "/brief").status_code == 404
    on = staff_client.get(f"/wards/{CENTRAL}/brief?on=2026-13-45")
    assert on.status_code == 400 and "takes no &#39;on&#39;" in on.get_data(as_text=True)
    source = staff_client.get(f"/wards/{CENTRAL}/brief.pdf?source=both")
    assert source.status_code == 400 and "not real or demo" in source.get_data(as_text=True)
    assert staff_client.get(f"/wards/{CENTRAL}/brief.xlsx").status_code == 404
    anonymous = client.get(f"/wards/{CENTRAL}/brief")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


@pytest.fixture
def typical(central):
    """A typical ward: a dozen concerns since the last meeting, some of them long."""
    for i in range(10):
        concern(CENTRAL, 15 - i, category=("speeding", "drugs", "youth_asb")[i % 3], text="Word " * 40)
    return central


def test_the_pdf_is_at_most_two_pages_and_audited(staff_client, typical):
    answer = staff_client.get(f"/wards/{CENTRAL}/brief.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Cache-Control"] == "no-store"
    assert f"ward-brief-{CENTRAL}-{TODAY.isoformat()}.pdf" in answer.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(answer.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) <= 2, len(reader.pages)
    assert "Ward brief: Central" in text and "OVERDUE" in text and "Cleveland" in text
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity == "export")).all()
    assert [e.entity_id for e in events] == [f"ward-brief-{CENTRAL}.pdf"] and events[0].actor == "staff@example.org"


def test_the_word_file_has_headings_and_table_rows(staff_client, typical):
    answer = staff_client.get(f"/wards/{CENTRAL}/brief.docx")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    doc = Document(io.BytesIO(answer.data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Ward brief: Central" and "1. Last meetings here" in headings
    assert any(h.startswith("2. Raised since the previous meeting on") for h in headings)
    assert "6. Meetings planned" in headings
    meetings, since = doc.tables[0], doc.tables[1]
    assert [c.text for c in meetings.rows[1].cells][2:] == ["St Hilda's Hall", "31 residents"]
    assert len(since.rows) == 1 + 13  # the header, and every concern since the meeting
    assert any("OVERDUE" in row.cells[2].text for row in since.rows)
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and doc.styles["Normal"].font.name == "Arial"
    assert doc.styles["Normal"].font.size.pt == 11


def test_a_long_list_is_capped_and_says_so(staff_client, central):
    for i in range(20):
        concern(CENTRAL, 2, text=f"Item {i}")
    page = staff_client.get(f"/wards/{CENTRAL}/brief").get_data(as_text=True)
    assert "and 8 more concerns, not listed here" in page  # 23 since the meeting, 15 shown


def test_demo_data_is_labelled_and_never_mixed_in(app_ctx, db, staff_client, central):
    from engage.demo.services import load_demo

    load_demo()
    db.session.commit()
    real = staff_client.get(f"/wards/{CENTRAL}/brief").get_data(as_text=True)
    assert "DEMO DATA" not in real and "Racing on Union Street" in real
    demo = staff_client.get(f"/wards/{CENTRAL}/brief?source=demo")
    assert demo.status_code == 200
    text = demo.get_data(as_text=True)
    assert "DEMO DATA" in text and "Racing on Union Street" not in text
    pdf = staff_client.get(f"/wards/{CENTRAL}/brief.pdf?source=demo")
    assert all("DEMO DATA" in page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "-DEMO.pdf" in pdf.headers["Content-Disposition"]


def test_the_last_published_you_said_we_did_and_the_coverage_link(staff_client, central):
    from engage.reports.models import WardUpdate

    ward = find_ward(current_boundary_set(), CENTRAL)
    items = [{"category": "speeding", "label": "Speeding", "you_said": "Cars race on Union Street", "we_did": "Checks"}]
    for end, state, said in ((60, "published", "Older"), (30, "published", "Newer"), (1, "draft", "Draft")):
        db.session.add(
            WardUpdate(
                ward=ward,
                period_start=TODAY - timedelta(days=end + 30),
                period_end=TODAY - timedelta(days=end),
                state=state,
                intro=f"{said} introduction",
                items=items,
                published_at=datetime.now(UTC) if state == "published" else None,
            )
        )
    db.session.commit()
    page = staff_client.get(f"/wards/{CENTRAL}/brief").get_data(as_text=True)
    assert "Newer introduction" in page and "Cars race on Union Street" in page
    assert "Older introduction" not in page and "Draft introduction" not in page
    coverage = staff_client.get("/reports/coverage").get_data(as_text=True)
    assert f"/wards/{CENTRAL}/brief" in coverage  # beside its next planned meeting


def test_an_officer_reads_every_concern_of_the_ward_in_its_brief_and_nowhere_else(app, users, central):
    # Concerns someone else wrote down at the last meeting: the officer reads them out
    # at the next one (policy.for_briefing), but they do not join the officer's lists.
    officer = logged_in_client(app, users["officer"])
    page = officer.get(f"/wards/{CENTRAL}/brief").get_data(as_text=True)
    assert "Racing on Union Street" in page and "Speed checks on Tuesdays" in page
    assert "you may see" not in page
    listed = officer.get("/api/v1/concerns").get_json()
    assert all(c["id"] != str(central["overdue"].id) for c in listed.get("concerns", listed.get("items", [])))
    assert "Racing on Union Street" not in officer.get("/api/v1/concerns").get_data(as_text=True)
    # An inspector's brief is still their scope's alone (test_an_inspector_sees_their_scope_only).
