"""A meeting's page in a real browser: staff create the next Working Together meeting,
find the previous meeting's open action under item 2, mark it done, add an item and
an action; axe finds no serious fault on the list or the meeting's page."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

from playwright.sync_api import expect

from engage.extensions import db
from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in


def _tag() -> str:
    return "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:8])


def test_staff_run_the_next_meeting_of_a_series(page, live_server):
    from engage.minutes import services

    series = f"Working Together {_tag()}"
    with live_server.app.app_context():
        first = services.create_meeting(
            kind="partnership",
            series=series,
            day=date.today() - timedelta(days=40),
            start_time=time(10),
            venue="PCC Conference Room",
            today=date.today(),
            actor_id=None,
        )
        item = services.add_item(first, "Off-road bikes", "Insp Smith")
        services.add_item_action(
            item,
            title="Provide an update on target hardening",
            due_date=None,
            today=date.today(),
            actor_id=None,
            actor="test",
            owner_name="J Feaks, Redcar and Cleveland Borough Council",
        )
        db.session.commit()

    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    page.goto(f"{live_server.url}/minutes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership and scrutiny meetings")
    assert serious_violations(page) == []

    page.get_by_label("Series").fill(series)
    page.get_by_label("Date").fill(date.today().isoformat())
    page.get_by_label("Venue (optional)").fill("PCC Conference Room")
    page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("heading", level=3, name="2. Actions from previous meeting")).to_be_visible()
    expect(page.locator("li.action", has_text="Provide an update on target hardening")).to_be_visible()

    action = page.locator("li.action", has_text="Provide an update on target hardening")
    action.get_by_label("Status").select_option("done")
    action.get_by_label("Note (the reason, if dropped)").fill("Update given at the meeting")
    action.get_by_role("button", name="Update action").click()
    expect(page.locator("li.action", has_text="Provide an update on target hardening")).to_contain_text("Done")

    page.get_by_label("Title", exact=True).last.fill("Any other business")
    page.get_by_role("button", name="Add item 3").click()
    expect(page.get_by_role("heading", level=3, name="3. Any other business")).to_be_visible()
    item3 = page.get_by_role("region", name="3. Any other business")
    item3.get_by_text("Add an action to item 3").click()
    item3.get_by_label("Action", exact=True).fill("Circulate the notes")
    item3.get_by_label("Owner, as minuted").fill("E Pout, OPCC")
    item3.get_by_role("button", name="Add action to item 3").click()
    expect(page.get_by_text("ACTION – E Pout, OPCC")).to_be_visible()
    page.get_by_role("button", name="Minutes of").click()
    expect(page.get_by_text("were approved")).to_be_visible()
    assert serious_violations(page) == []
