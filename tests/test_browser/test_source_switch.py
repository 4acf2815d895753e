"""The real/demo switch in a real browser: visible words and a link, not colour alone,
with no serious or critical axe-core violations in it at desk and phone width."""

import uuid

import pytest
from playwright.sync_api import expect

from engage.concerns.capture import raise_concern
from engage.demo.services import clear_demo
from engage.extensions import db
from tests.live import live_user_with_token
from tests.test_browser.test_maps_page import log_in


def switch_violations(page):
    """axe-core's serious and critical findings in the switch (other parts of these pages
    are other work of issue #18)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(url="/vendor/axe-core/axe.min.js")
    results = page.evaluate("axe.run('#source-switch', {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def real_and_demo(live_server):
    """A real and a demo concern on the live server, the demo one taken out afterwards
    (the live server's database is shared by every browser test)."""
    marker = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        for text, demo in ((f"Real {marker}", False), (f"Invented {marker}", True)):
            body = {"id": str(uuid.uuid4()), "category": "drugs", "description": text, "ward_code": "E05009857"}
            raise_concern(body, is_demo=demo, notify=False)
        db.session.commit()
    yield marker
    with live_server.app.app_context():
        clear_demo(only=("meetings and concerns",))
        db.session.commit()


@pytest.mark.parametrize("width", [1280, 360])
def test_the_switch_is_visible_and_accessible(page, live_server, real_and_demo, width):
    page.set_viewport_size({"width": width, "height": 800})
    email, _ = live_user_with_token(live_server, "staff", password="live server password")
    log_in(page, live_server, email, "live server password")
    page.goto(f"{live_server.url}/inbox")
    switch = page.locator("#source-switch")
    expect(switch).to_contain_text("Showing real data")
    expect(page.get_by_text(f"Real {real_and_demo}")).to_be_visible()
    expect(page.get_by_text(f"Invented {real_and_demo}")).to_have_count(0)
    assert switch_violations(page) == []
    page.get_by_role("link", name="Show demo data").click()
    expect(switch).to_contain_text("Showing demo data")
    expect(page.get_by_text(f"Invented {real_and_demo}")).to_be_visible()
    expect(page.get_by_text(f"Real {real_and_demo}")).to_have_count(0)
    assert switch_violations(page) == []
    for path in ("/maps?source=demo", "/reports?source=demo", "/exports?source=demo", "/wards/E05009857?source=demo"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("#source-switch")).to_contain_text("Showing demo data")
        expect(page.get_by_role("link", name="Show real data")).to_be_visible()
        assert switch_violations(page) == [], path
