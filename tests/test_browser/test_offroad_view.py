"""The off-road vehicles view in a real browser, at a phone's width and a desk's: staff
open Eston's, and the map draws the off-road concerns as circles and the Section 59
warnings and seizures as triangles and squares, each ward's month-by-month chart is drawn
with its table, nothing scrolls sideways, and axe finds no serious fault."""

from __future__ import annotations

import random
import string
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from engage.extensions import db
from engage.records.section59 import add_warning
from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import SCREENSHOTS, log_in, post

# Eston's label point: the places below are inside the ward (a narrow one).
ESTON = (-1.131766, 54.561068)


def _warnings(live_server):
    today = date.today()
    with live_server.app.app_context():
        for (outcome, days), (east, north) in zip(
            (("warning", 3), ("seizure", 10), ("warning", 40)), ((0.004, 0.002), (-0.004, -0.002), (-0.003, 0.002))
        ):
            add_warning(
                {
                    "reference": "S59-" + "".join(random.choices(string.ascii_uppercase, k=8)),
                    "date": (today - timedelta(days=days)).isoformat(),
                    "latitude": str(ESTON[1] + north),
                    "longitude": str(ESTON[0] + east),
                    "vehicle": "motorbike",
                    "outcome": outcome,
                    "place": "Eston Hills",
                },
                today=today,
                actor="browser test",
            )
        db.session.commit()


@pytest.fixture(scope="module")
def eston_offroad(live_server):
    _, officer_token = live_user_with_token(live_server, "officer")
    for shift in (0.0, 0.002):
        post(
            live_server,
            officer_token,
            {
                "id": str(uuid.uuid4()),
                "category": "off_road_bikes",
                "description": "Bikes on the hills " + "".join(random.choices(string.ascii_lowercase, k=6)),
                "lon": ESTON[0] + shift,
                "lat": ESTON[1],
            },
        )
    _warnings(live_server)


@pytest.mark.parametrize("width", [360, 1280])
def test_staff_see_eston_concerns_and_section59_on_one_map_and_chart(page, live_server, eston_offroad, width):
    page.set_viewport_size({"width": width, "height": 900})
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    page.goto(f"{live_server.url}/maps/off-road?ward=Eston&source=real")
    expect(page.get_by_role("heading", level=1)).to_have_text("Off-road vehicles: Eston")
    page.locator("#offroad-map[data-concerns]").wait_for(state="attached")

    assert page.locator("#offroad-map path.offroad-concern").count() >= 2
    assert page.locator("#offroad-map .offroad-warning svg").count() >= 2
    assert page.locator("#offroad-map .offroad-seizure svg").count() >= 1
    legend = page.locator(".offroad-key")
    expect(legend).to_contain_text("Concern about off-road bikes")
    expect(legend).to_contain_text("Section 59 seizure")

    chart = page.locator("#ward-E05001508")
    expect(chart.locator("svg.offroad-chart")).to_be_visible()
    assert chart.locator("rect.bar-concerns").count() >= 1 and chart.locator("rect.bar-warnings").count() >= 1
    assert chart.locator("rect.bar-seizures").count() >= 1
    expect(chart.get_by_role("table")).to_contain_text(date.today().strftime("%B %Y"))

    # Hovering a seizure names it, as text.
    page.locator("#offroad-map .offroad-seizure").first.hover()
    expect(page.locator(".leaflet-tooltip")).to_contain_text("Section 59 seizure S59-")

    page.screenshot(path=str(SCREENSHOTS / f"offroad-eston-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    assert page.blocked_requests == []
