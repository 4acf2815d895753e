"""The offline base map in a real browser: with an archive installed, the maps draw its
streets from the app alone (no other host is asked for anything), say whose map it is,
and the phone keeps a meeting's tiles so its map shows them with no signal."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from engage.maps import basemap
from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_capture_app import (  # noqa: F401 (fixture)
    open_capture,
    phone,
    start_meeting,
    wait_for_worker,
)
from tests.test_browser.test_maps_page import log_in
from tests.test_maps.basemap_archives import cleveland_wards, write_vector_pmtiles

SCREENSHOTS = Path(os.environ.get("ENGAGE_SCREENSHOT_DIR", tempfile.gettempdir()))
PASSWORD = "base map test password"


@pytest.fixture(scope="module")
def installed(live_server, tmp_path_factory):
    """A tiny vector archive drawn from the ward outlines, installed as an operator would;
    removed afterwards, so the other browser tests see the maps without it."""
    archive = tmp_path_factory.mktemp("basemap") / "cleveland.pmtiles"
    write_vector_pmtiles(archive, cleveland_wards(live_server.app), zooms=range(8, 13))
    result = live_server.app.test_cli_runner().invoke(args=["maps", "basemap", str(archive)])
    assert result.exit_code == 0, result.output
    yield basemap.describe(live_server.app.instance_path)
    basemap.remove(live_server.app.instance_path)


def record_requests(page):
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def tile_answers(page):
    answers = []
    page.on("response", lambda r: "/maps/tiles/" in r.url and answers.append((r.url, r.status)))
    return answers


@pytest.mark.parametrize("width", [1280, 360])
def test_the_maps_draw_streets_from_the_app_alone_and_say_whose_they_are(page, live_server, installed, width):
    email, _ = live_user_with_token(live_server, "staff", password=PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, email, PASSWORD)
    seen = record_requests(page)
    answers = tile_answers(page)
    page.goto(f"{live_server.url}/maps")
    page.locator("#concern-map[data-total]").wait_for(state="attached")
    # protomaps-leaflet draws each tile on a canvas once its data has come.
    expect(page.locator("#concern-map .leaflet-tile-pane canvas").first).to_be_attached()
    page.wait_for_timeout(500)
    served = [url for url, status in answers if status == 200]
    assert served, f"no tile was served: {answers}"
    assert all(f".mvt?v={installed.version}" in url for url, _ in answers)
    others = sorted({urlsplit(url).netloc for url in seen} - {urlsplit(live_server.url).netloc})
    assert others == [] and page.blocked_requests == [], f"asked another host: {others or page.blocked_requests}"
    credit = page.locator("#concern-map .leaflet-control-attribution")
    expect(credit).to_contain_text("© OpenStreetMap contributors")
    expect(credit).to_contain_text("Boundaries: ONS, Open Government Licence v3")
    page.screenshot(path=str(SCREENSHOTS / f"maps-basemap-{width}.png"))
    assert serious_violations(page) == []


def test_the_ward_page_draws_the_base_map_for_people_signed_in_only(page, live_server, installed):
    email, _ = live_user_with_token(live_server, "inspector", password=PASSWORD)
    answers = tile_answers(page)
    page.goto(f"{live_server.url}/wards/E05009857")
    page.locator("#ward-map[data-drawn]").wait_for(state="attached")
    page.wait_for_timeout(300)
    assert answers == [] and page.locator("#ward-map .leaflet-tile-pane canvas").count() == 0
    log_in(page, live_server, email, PASSWORD)
    page.goto(f"{live_server.url}/wards/E05009857")
    expect(page.locator("#ward-map .leaflet-tile-pane canvas").first).to_be_attached()
    expect(page.locator("#ward-map .leaflet-control-attribution")).to_contain_text("© OpenStreetMap contributors")
    assert page.blocked_requests == []


def test_the_phone_keeps_the_meetings_tiles_and_shows_them_offline(phone, live_server, installed):  # noqa: F811
    page = open_capture(phone, live_server)
    wait_for_worker(page)
    start_meeting(page)
    # The tiles around Central (the test archive stops at zoom 12: zooms 11 and 12), fetched
    # in the background: wait until no more come.
    kept = "caches.open('capture-tiles').then(c => c.keys()).then(k => k.length)"
    counts = [0]
    for _ in range(60):
        page.wait_for_timeout(250)
        counts.append(page.evaluate(kept))
        if counts[-1] == counts[-2] == counts[-3] > 0:
            break
    assert counts[-1] >= 20, f"{counts[-1]} tiles kept"
    phone.set_offline(True)
    answers = tile_answers(page)
    page.get_by_text("Grid reference, another ward or the map").click()
    expect(page.locator("#place-map path.leaflet-interactive").first).to_be_visible()
    expect(page.locator("#place-map .leaflet-tile-pane canvas").first).to_be_attached()
    page.wait_for_timeout(500)
    assert answers and [a for a in answers if a[1] != 200] == [], answers
    expect(page.locator("#place-map .leaflet-control-attribution")).to_contain_text("© OpenStreetMap contributors")
    page.locator("#place-map").screenshot(path=str(SCREENSHOTS / "capture-basemap-offline-360.png"))
    phone.set_offline(False)
    assert page.errors == []
