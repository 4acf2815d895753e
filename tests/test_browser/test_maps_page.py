"""The map in a real browser, with every request off this machine blocked."""

import json
import os
import tempfile
import urllib.request
import uuid
from pathlib import Path

from tests.live import live_user_with_token

# Screenshots go to a scratch folder unless asked for (docs/screenshots is curated).
SCREENSHOTS = Path(os.environ.get("ENGAGE_SCREENSHOT_DIR", tempfile.gettempdir()))


def post(live_server, token, body):
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/concerns",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status in (200, 201)


def log_in(page, live_server, email, password):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_map_draws_79_wards_and_filters_update_it(page, live_server):
    _, officer_token = live_user_with_token(live_server, "officer")
    marker = uuid.uuid4().hex[:6]
    for category, (lon, lat) in [
        ("drugs", (-1.2345, 54.5742)),
        ("drugs", (-1.2340, 54.5745)),
        ("speeding", (-1.3500, 54.5000)),
    ]:
        post(
            live_server,
            officer_token,
            {
                "id": str(uuid.uuid4()),
                "category": category,
                "description": f"map test {marker}",
                "lon": lon,
                "lat": lat,
            },
        )
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/maps")
    # Selectors, not wait_for_function: the page's CSP (rightly) forbids eval.
    page.locator("#concern-map[data-total]").wait_for(state="attached")
    assert page.locator("#concern-map").get_attribute("data-wards") == "79"
    assert page.locator("#concern-map .leaflet-overlay-pane path.leaflet-interactive").count() >= 79
    before = int(page.locator("#concern-map").get_attribute("data-total"))
    assert before >= 3
    assert "classes" in page.locator("#map-legend").inner_text()

    refreshed = page.locator("#concern-map").get_attribute("data-refreshed")
    page.get_by_label("Category").select_option("speeding")
    page.locator(f"#concern-map:not([data-refreshed='{refreshed}'])").wait_for(state="attached")
    assert int(page.locator("#concern-map").get_attribute("data-total")) < before
    assert "category=speeding" in page.url

    page.get_by_label("Heat map of concerns").check()
    page.locator("#concern-map[data-heat-points]:not([data-heat-points='0'])").wait_for(state="attached")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "maps.png"), full_page=True)
    page.get_by_label("Designations (Strengthen / Support / Sustain)").check()
    page.locator("#designation-legend").wait_for()  # hatching: tests/test_browser/test_map_truth.py
    assert page.blocked_requests == []

    # Clicking a ward opens its drill-down.
    page.get_by_label("Designations (Strengthen / Support / Sustain)").uncheck()
    page.get_by_label("Heat map of concerns").uncheck()
    page.goto(f"{live_server.url}/maps?category=drugs")
    page.locator("#concern-map[data-total]").wait_for(state="attached")
    assert page.get_by_label("Category").input_value() == "drugs"
