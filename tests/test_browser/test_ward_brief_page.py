"""The ward brief in a real browser, at desk and phone widths: a concern raised since the
ward's last meeting is on it, nothing is wider than the screen, and axe finds no
serious fault."""

from __future__ import annotations

import json
import urllib.request
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in

GRANGETOWN = "E05001509"  # Redcar and Cleveland


def _post(live_server, token, path, body):
    request = urllib.request.Request(
        f"{live_server.url}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 201


@pytest.mark.parametrize("width", [1280, 360])
def test_the_brief_reads_on_a_phone_and_a_desk(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 740 if width < 600 else 900})
    _, officer_token = live_user_with_token(live_server, "officer")
    meeting = str(uuid.uuid4())
    tag = "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:8])
    _post(
        live_server,
        officer_token,
        "/api/v1/meetings",
        {
            "id": meeting,
            "ward_codes": [GRANGETOWN],
            "venue": f"Brief Hall {tag}",
            "date": (date.today() - timedelta(days=1)).isoformat(),
        },
    )
    _post(
        live_server,
        officer_token,
        "/api/v1/concerns",
        {
            "id": str(uuid.uuid4()),
            "meeting_id": meeting,
            "ward_code": GRANGETOWN,
            "category": "speeding",
            "description": f"Cars race past the school {tag}",
        },
    )
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")

    page.goto(f"{live_server.url}/wards/{GRANGETOWN}/brief")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grangetown")
    expect(page.get_by_text(f"Cars race past the school {tag}")).to_be_visible()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
