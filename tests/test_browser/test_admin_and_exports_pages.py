"""The office's settings and exports pages in a real browser, at desk and phone widths:
nothing wider than the screen, and axe finds no serious fault (issue #19's pages, and the
admin screens an admin opens on a phone)."""

from __future__ import annotations

import pytest

from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in

PAGES = {
    "admin": [
        "/admin/office",
        "/admin/coverage-targets",
        "/admin/users",
        "/admin/teams",
        "/admin/categories",
        "/admin/routing",
        "/admin/outbox",
        "/admin/audit",
    ],
    "staff": ["/exports", "/reports"],
}


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("role", sorted(PAGES))
def test_settings_and_exports_pages_fit_and_pass_axe(page, live_server, role, width):
    page.set_viewport_size({"width": width, "height": 740 if width < 600 else 900})
    email, _ = live_user_with_token(live_server, role, password="a long password here")
    log_in(page, live_server, email, "a long password here")
    problems = {}
    for path in PAGES[role]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("load")
        wide = page.evaluate("document.documentElement.scrollWidth")
        faults = serious_violations(page)
        if wide > width or faults:
            problems[path] = {"width": wide, "axe": faults}
    assert problems == {}
