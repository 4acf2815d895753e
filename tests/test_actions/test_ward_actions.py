"""A ward's actions on its page and in its brief (page, PDF, Word): open ones by due date
with the overdue flagged, then those closed lately; never another team's to an inspector
who may not see them; the brief still two pages."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from docx import Document
from pypdf import PdfReader

from engage.actions.models import Action
from engage.actions.services import create_action, update_action
from engage.extensions import db
from engage.platform.db import utcnow
from tests.conftest import TODAY, logged_in_client, make_team, make_user
from tests.test_reports.test_ward_brief import CENTRAL, concern, meeting


def agree(c, title, due, owner_team=None):
    action = create_action(
        title=title,
        due_date=due,
        today=min(due, TODAY),
        actor_id=None,
        actor="test",
        concern=c,
        owner_team=owner_team or c.lead_team,
    )
    db.session.commit()
    return action


@pytest.fixture
def central_actions(app, users, team):
    """Central with a meeting 20 days ago and a typical brief's concerns, and four
    actions on them: one overdue, one due later, one done lately, one done long ago."""
    meeting(CENTRAL, 20, venue="St Hilda's Hall", attendance=31)
    for i in range(12):
        concern(CENTRAL, 15 - i, category=("speeding", "drugs", "youth_asb")[i % 3], text="Word " * 40)
    c = concern(CENTRAL, 10, text="Quads on the beck path")
    agree(c, "Patrol the beck path on Tuesdays", TODAY - timedelta(days=2))
    agree(c, "Ask the council for a barrier", TODAY + timedelta(days=20))
    lately = agree(c, "Leaflet the estate", TODAY)
    update_action(lately, actor_id=None, actor="test", status="done")
    long_ago = agree(c, "Old speed watch", TODAY)
    update_action(long_ago, actor_id=None, actor="test", status="done")
    db.session.commit()
    db.session.execute(
        sa.update(Action).where(Action.id == long_ago.id).values(closed_at=utcnow() - timedelta(days=200))
    )
    db.session.commit()
    return c


def test_the_ward_page_lists_the_wards_actions(inspector_client, central_actions):
    page = inspector_client.get(f"/inbox/wards/{CENTRAL}").get_data(as_text=True)
    section = page[page.index('id="actions"') :]
    assert section.index("Patrol the beck path") < section.index("Ask the council") < section.index("Leaflet")
    assert "Old speed watch" not in section
    assert "1 overdue" in section and "owner Team INT-TEST" in section


def test_whoever_sees_the_concerns_sees_their_actions_and_nobody_else(app, central_actions):
    stranger_team = make_team("INT-ELSE", ward_codes=(CENTRAL,))
    # Another INT covering the ward sees its concerns, and so their actions; a partner
    # agency sees only what is routed to it: none of them.
    covering = logged_in_client(app, make_user("covering@example.org", "inspector", teams=[stranger_team]))
    assert "Patrol the beck path" in covering.get(f"/inbox/wards/{CENTRAL}").get_data(as_text=True)
    partner = make_team("CFB-TEST", ward_codes=(), kind="partner", coverage="all")
    outsider = logged_in_client(app, make_user("partner@example.org", "inspector", teams=[partner]))
    page = outsider.get(f"/inbox/wards/{CENTRAL}").get_data(as_text=True)
    assert "Patrol the beck path" not in page and "None open or closed lately." in page


def test_the_brief_lists_them_on_the_page_in_the_pdf_and_in_word(staff_client, central_actions):
    page = staff_client.get(f"/wards/{CENTRAL}/brief").get_data(as_text=True)
    assert "Actions agreed on the ward" in page and "Patrol the beck path on Tuesdays" in page
    assert "3 actions open or closed in the last 90 days; <strong>1 overdue</strong>" in page
    assert "Old speed watch" not in page
    pdf = PdfReader(io.BytesIO(staff_client.get(f"/wards/{CENTRAL}/brief.pdf").data))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert len(pdf.pages) <= 2, len(pdf.pages)
    assert "Patrol the beck path on Tuesdays" in text and "Ask the council for a barrier" in text
    doc = Document(io.BytesIO(staff_client.get(f"/wards/{CENTRAL}/brief.docx").data))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Action")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[0] for r in rows] == [
        "Patrol the beck path on Tuesdays",
        "Ask the council for a barrier",
        "Leaflet the estate",
    ]
    assert rows[0][3] == "Open OVERDUE" and rows[2][3].startswith("Done")
