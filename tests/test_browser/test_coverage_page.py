"""The coverage page in a real browser at desk and phone widths: a meeting held today shows
its ward as visited at once, the wards due with nothing planned are one click away, the
table stays inside a phone's screen, and axe finds no serious fault."""

from __future__ import annotations

import json
import urllib.request
import uuid
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in

HEMLINGTON = "E05009859"  # Middlesbrough


def held_today(live_server, token, ward):
    body = {
        "id": str(uuid.uuid4()),
        "ward_codes": [ward],
        "venue": f"Coverage Hall {uuid.uuid4().hex[:6]}",
        "date": date.today().isoformat(),
    }
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/meetings",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 201


@pytest.mark.parametrize("width", [1280, 360])
def test_a_meeting_today_counts_and_the_due_list_is_one_click_away(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 740 if width < 600 else 900})
    _, officer_token = live_user_with_token(live_server, "officer")
    held_today(live_server, officer_token, HEMLINGTON)
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")

    page.goto(f"{live_server.url}/reports/coverage")
    row = page.locator("table.coverage tr", has=page.get_by_role("link", name="Hemlington", exact=True))
    expect(row).to_contain_text(f"{date.today():%-d %b %Y}")
    expect(row.locator("td").nth(3)).to_have_text("yes")
    if width > 600:
        page.locator("#coverage-map[data-wards='79']").wait_for(state="attached")
    page.wait_for_load_state("load")  # the stylesheet too: a busy server can still be sending it
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []

    page.get_by_role("link", name="Due in the next 60 days, nothing planned").click()
    expect(page.get_by_role("heading", name="Due in the next 60 days with nothing planned")).to_be_visible()
    expect(page.get_by_role("link", name="Hemlington", exact=True)).to_have_count(0)
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
