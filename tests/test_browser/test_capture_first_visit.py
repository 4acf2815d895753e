"""The capture form comes before the map (issue #20): on one bar of signal the officer
can choose the ward and start the meeting while Leaflet and the ward outlines are
still on their way, and the map works once they arrive."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.live import live_user_with_token
from tests.test_browser.test_capture_app import PASSWORD, phone, start_meeting  # noqa: F401

SLOW = ("/vendor/leaflet/", "/api/wards")


def test_the_form_is_usable_before_the_map_library_and_outlines_arrive(phone, live_server):  # noqa: F811
    held = []

    def hold(route):
        # What the form must not wait for is held, unanswered, until the test lets it go.
        if any(part in route.request.url for part in SLOW):
            held.append(route)
        else:
            route.fallback()  # to the phone's guard: the live server only

    phone.route("**/*", hold)
    email, _ = live_user_with_token(live_server, "officer", password=PASSWORD)
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/login?next=/capture")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    ward = page.get_by_label("Ward", exact=True)
    expect(ward).to_be_enabled(timeout=15_000)
    expect(page.locator("#meeting-ward option[value^=E05]")).to_have_count(79)
    assert page.evaluate("typeof L") == "undefined"  # the map library has not arrived
    start_meeting(page)

    urls = [route.request.url for route in held]
    assert any("/vendor/leaflet/" in url for url in urls) and any("/api/wards" in url for url in urls)
    phone.unroute("**/*", hold)
    for route in held:
        route.fallback()
    page.wait_for_function("() => typeof L !== 'undefined'")
    page.get_by_text("Grid reference, another ward or the map").click()
    expect(page.locator("#place-map[data-drawn]")).to_have_count(1, timeout=15_000)
    assert int(page.locator("#place-map").get_attribute("data-drawn")) > 1  # the ward and its neighbours
    assert errors == []
