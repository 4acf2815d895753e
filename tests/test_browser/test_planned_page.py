"""The Planned meetings page in a real browser, at a phone's width and a desk's: staff plan
a meeting in Grangetown by typing its name, a wrong date is said beside the field with
what was typed kept, the plan is listed with its brief, and axe finds no serious fault."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in


@pytest.mark.parametrize("width", [360, 1280])
def test_staff_plan_a_meeting_in_grangetown(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    page.goto(f"{live_server.url}/meetings/planned")
    expect(page.get_by_role("heading", level=1)).to_have_text("Planned meetings")
    assert serious_violations(page) == []

    venue = "Grangetown Library " + "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:6])
    page.get_by_label("Ward").fill("Grangetown")
    page.get_by_label("Date").fill((date.today() - timedelta(days=2)).isoformat())
    page.get_by_label("Venue").fill(venue)
    page.get_by_role("button", name="Plan the meeting").click()
    expect(page.locator("#day-error")).to_contain_text("is past")
    expect(page.get_by_label("Venue")).to_have_value(venue)
    assert serious_violations(page) == []

    page.get_by_label("Date").fill((date.today() + timedelta(days=9)).isoformat())
    page.get_by_role("button", name="Plan the meeting").click()
    expect(page.get_by_role("status")).to_contain_text("Planned: Your Force Your Voice in Grangetown")
    row = page.get_by_role("row", name=venue)
    expect(row.get_by_role("link", name="Brief for Grangetown")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
