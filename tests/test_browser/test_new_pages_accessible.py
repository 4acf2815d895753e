"""Every page issues #22 to #24 added or changed, as staff see them, at a phone's width and
a desk's: axe-core finds no serious fault and nothing scrolls sideways. Each feature's
own browser test drives it; this one only walks the pages, so none is left unchecked at
either width."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from engage.consultations.services import create_consultation, record_response
from engage.extensions import db
from engage.minutes.services import add_item, create_meeting
from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in


@pytest.fixture(scope="module")
def pages(live_server):
    """A consultation with answers, an office meeting with an item: their pages' paths."""
    tag = "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:6])
    today = date.today()
    with live_server.app.app_context():
        c = create_consultation(
            title=f"Priorities {tag}",
            opens_on=today - timedelta(days=5),
            closes_on=today + timedelta(days=20),
            options=["Off-road bikes and quads", "Speeding", "Drugs"],
            today=today - timedelta(days=6),
            actor="test",
        )
        for n in range(3):
            record_response(
                c, ward_id=None, option_ids=[c.options[n].id], today=today, channel="paper", source_ref=f"F{n}"
            )
        meeting = create_meeting(
            kind="partnership",
            series=f"Working Together {tag}",
            day=today + timedelta(days=9),
            start_time=None,
            venue="PCC Conference Room",
            today=today,
            actor_id=None,
        )
        add_item(meeting, "Off-road bikes", "Insp Smith")
        db.session.commit()
        slug, meeting_id = c.slug, meeting.id
    period = f"from={(today - timedelta(days=365)).isoformat()}&to={today.isoformat()}"
    return [
        "/consultations",
        "/consultations/new",
        f"/consultations/{slug}",
        f"/consultations/{slug}/results",
        f"/consultations/{slug}/import",
        f"/consult/{slug}",
        f"/consult/{slug}?place=Eston",
        "/section59",
        "/section59/new",
        "/section59/import",
        "/maps/off-road?ward=E05001508",
        f"/minutes/{meeting_id}",
        f"/reports/panel?{period}",
    ]


@pytest.mark.parametrize("width", [360, 1280])
def test_new_pages_have_no_serious_fault_at_either_width(page, live_server, pages, width):
    page.set_viewport_size({"width": width, "height": 900})
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    for path in pages:
        answer = page.goto(f"{live_server.url}{path}")
        assert answer.status == 200, path
        assert serious_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert page.blocked_requests == []
