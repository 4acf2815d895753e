"""The staff's consultation screens in Chromium, on a phone and a desk: staff create a
consultation from the seeded priorities, key two paper forms one after the other and
void one, which stays listed struck through with its reason. Axe finds no serious fault
and nothing scrolls sideways."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in


def _fits(page, width):
    # The text a step waits for is there before the page's style sheets have all loaded.
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [360, 1280])
def test_staff_create_key_and_void(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    page.goto(f"{live_server.url}/consultations")
    page.get_by_role("link", name="New consultation").click()
    expect(page.get_by_label("Priorities offered")).to_contain_text("Off-road bikes and quads = off_road_bikes")
    _fits(page, width)

    title = "Priorities " + "".join(random.choices(string.ascii_lowercase, k=8))
    page.get_by_label("Title").fill(title)
    page.get_by_label("Opens on").fill(date.today().isoformat())
    page.get_by_label("Closes on").fill((date.today() - timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Save the consultation").click()
    expect(page.locator("#closes_on-error")).to_contain_text("before it opens")
    expect(page.get_by_label("Title")).to_have_value(title)
    _fits(page, width)
    page.get_by_label("Closes on").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Save the consultation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    _fits(page, width)

    for ref, ward, priority in (("P-1", "Eston", "Off-road bikes and quads"), ("P-2", "Brotton", "Speeding")):
        page.get_by_label("Form number (optional)").fill(ref)
        page.get_by_label("Ward", exact=True).fill(ward)
        page.get_by_label(priority).check()
        page.get_by_role("button", name="Save and key the next one").click()
    expect(page.get_by_role("status")).to_contain_text("Saved: response 2 of this session")
    expect(page.get_by_label("Form number (optional)")).to_have_value("")
    _fits(page, width)

    row = page.get_by_role("row").filter(has_text="No. P-1")
    row.get_by_text("Void").first.click()
    row.get_by_role("button", name="Void this response").click()
    expect(page.get_by_text("Say why the response is void.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="No. P-1")
    row.get_by_label("Why is it void?").fill("Keyed twice")
    row.get_by_role("button", name="Void this response").click()
    expect(page.get_by_role("status")).to_contain_text("Voided the response")
    expect(page.get_by_role("row").filter(has_text="No. P-1")).to_contain_text("Keyed twice")
    expect(page.get_by_text("1 counted, 1 voided")).to_be_visible()
    _fits(page, width)
    assert page.blocked_requests == []
