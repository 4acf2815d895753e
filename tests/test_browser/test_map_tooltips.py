"""Ward names on the maps' tooltips are text, never HTML: a boundary file (or anyone
who can edit a name) naming a ward `<img src=x onerror=...>` shows those characters,
and no element is made of them. Every map that names wards is opened in a real
browser: the concerns map, a ward's page, ward coverage and the phone's place map.

The page's Content-Security-Policy would stop the inline handler from running anyway;
the test asks for more: that no markup from a name reaches the page at all."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from engage.extensions import db
from engage.geography.models import Ward
from tests.live import live_user_with_token
from tests.test_browser.test_capture_app import open_capture, phone, start_meeting  # noqa: F401 (fixture)
from tests.test_browser.test_maps_page import log_in

HOSTILE = '<img src=x onerror="document.title=1">'


@pytest.fixture
def hostile_ward_names(live_server):
    """Every ward of the live server's database named with markup in front, for this
    test only (the live server is shared: the names are put back afterwards)."""
    from engage.geography import locating

    with live_server.app.app_context():
        names = dict(db.session.execute(sa.select(Ward.id, Ward.name)).all())
        db.session.execute(sa.update(Ward).values(name=HOSTILE + Ward.name))
        db.session.commit()
    try:
        yield
    finally:
        with live_server.app.app_context():
            for ward_id, name in names.items():
                db.session.execute(sa.update(Ward).where(Ward.id == ward_id).values(name=name))
            db.session.commit()
        locating._cache.clear()  # it holds ward names


def assert_tooltip_is_text(page, paths):
    tooltip = page.locator(".leaflet-tooltip").first
    # A ward's outline may lie partly off the map, or under another ward (the phone
    # draws its meeting ward on top): hover them in turn until one shows its name.
    for i in range(paths.count()):
        paths.nth(i).hover(force=True)
        try:
            tooltip.wait_for(timeout=1000)
            break
        except PlaywrightTimeout:
            continue
    expect(tooltip).to_contain_text(HOSTILE)  # the characters themselves, as typed
    assert page.locator(".leaflet-tooltip img").count() == 0
    assert page.locator("img[src=x]").count() == 0


def test_the_concerns_map_ward_page_and_coverage_show_names_as_text(page, live_server, hostile_ward_names):
    page.goto(f"{live_server.url}/wards/E05009857")
    page.locator("#ward-map[data-drawn]").wait_for(state="attached")
    assert_tooltip_is_text(page, page.locator("#ward-map path.leaflet-interactive"))

    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    page.goto(f"{live_server.url}/maps")
    page.locator("#concern-map[data-total]").wait_for(state="attached")
    assert_tooltip_is_text(page, page.locator("#concern-map path.leaflet-interactive"))

    page.goto(f"{live_server.url}/reports/coverage")
    page.locator("#coverage-map[data-wards]").wait_for(state="attached")
    assert_tooltip_is_text(page, page.locator("#coverage-map path.leaflet-interactive"))
    assert page.blocked_requests == []


def test_the_phone_place_map_shows_names_as_text(phone, live_server, hostile_ward_names):  # noqa: F811
    page = open_capture(phone, live_server)
    start_meeting(page)
    page.get_by_text("Grid reference, another ward or the map").click()
    paths = page.locator("#place-map path.leaflet-interactive")
    expect(paths.first).to_be_visible()
    assert_tooltip_is_text(page, paths)
    assert page.errors == []
