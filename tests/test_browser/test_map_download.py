"""A map taken away, in a real browser: an inspector-like user filters /maps to off-road
bikes in Redcar and Cleveland, downloads the map with the concern texts, and the file,
opened with every request that is not the file itself blocked, draws the wards, the legend
and the markers (words shown as text), with no failed request and no console error. The
pages that offer the download stay accessible at a phone's width and a desk's."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in, post

ESTON = "E05001508"


def _tag() -> str:
    return "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:8])


def _open_offline(browser, path):
    """The file in a fresh context where anything but file: is refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    asked, errors = [], []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file:")
            else (asked.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"file://{path}")
    return context, page, asked, errors


def test_a_filtered_map_downloaded_opens_with_the_network_off(page, browser, live_server, tmp_path):
    _, officer_token = live_user_with_token(live_server, "officer")
    tag = _tag()
    words = f"Quads on the Eston hills {tag} <b>not bold</b>"
    post(
        live_server,
        officer_token,
        {"id": str(uuid.uuid4()), "category": "off_road_bikes", "description": words, "ward_code": ESTON},
    )
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    page.goto(f"{live_server.url}/maps")
    page.locator("#concern-map[data-total]").wait_for(state="attached")
    page.get_by_label("Category").select_option("off_road_bikes")
    page.get_by_label("Local authority", exact=True).select_option("E06000003")
    page.get_by_label("Include concern texts").check()
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download this map (HTML)").click()
    saved = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(saved)
    assert saved.name.startswith("engage-map-E06000003-")
    assert saved.stat().st_size < 5 * 1024 * 1024

    context, offline, asked, errors = _open_offline(browser, saved)
    try:
        expect(offline.get_by_role("heading", level=1)).to_contain_text("Off-road motorbikes and quads")
        expect(offline.get_by_role("heading", level=1)).to_contain_text("Redcar and Cleveland")
        expect(offline.get_by_role("heading", name="Legend")).to_be_visible()
        assert offline.locator(".folium-map path.leaflet-interactive").count() >= 79
        # The concern as a marker; its words shown as written, not as markup.
        marker = offline.locator(".folium-map path.leaflet-interactive[stroke='#0b3c5d']").first
        marker.click(force=True)
        popup = offline.locator(".leaflet-popup-content")
        expect(popup).to_contain_text(f"{tag} <b>not bold</b>")
        assert asked == [] and errors == []
    finally:
        context.close()
    assert page.blocked_requests == []


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_offering_the_download_stay_accessible(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    for path in ("/maps", f"/wards/{ESTON}", f"/wards/{ESTON}/brief"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("button", name="Download this map (HTML)")).to_be_visible()
        assert serious_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path


def test_a_wards_map_from_its_page_opens_with_the_network_off(page, browser, live_server, tmp_path):
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    page.goto(f"{live_server.url}/wards/{ESTON}")
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download this map (HTML)").click()
    saved = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(saved)
    assert saved.name.startswith(f"engage-map-{ESTON}-") and saved.stat().st_size < 1024 * 1024
    context, offline, asked, errors = _open_offline(browser, saved)
    try:
        expect(offline.get_by_role("heading", level=1)).to_contain_text("Eston")
        expect(offline.get_by_text("No residents")).to_be_visible()
        # Eston, its neighbours, and Eston's own outline drawn over them.
        assert offline.locator(".folium-map path.leaflet-interactive").count() >= 4
        assert asked == [] and errors == []
    finally:
        context.close()
