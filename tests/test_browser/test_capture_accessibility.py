"""axe-core on the capture screens at phone size: no serious or critical violations."""

from playwright.sync_api import expect

from tests.test_browser.test_capture_app import open_capture, phone, start_meeting  # noqa: F401 (fixture)


def serious_violations(page):
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(url="/vendor/axe-core/axe.min.js")
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_capture_screens_have_no_serious_accessibility_violations(phone, live_server):  # noqa: F811
    page = open_capture(phone, live_server)
    assert page.viewport_size == {"width": 360, "height": 740}
    expect(page.get_by_role("heading", name="Start a meeting")).to_be_visible()
    assert serious_violations(page) == []

    # Errors shown on the meeting form.
    page.get_by_role("button", name="Start meeting").click()
    expect(page.locator("#meeting-ward-error")).to_be_visible()
    assert serious_violations(page) == []

    start_meeting(page)
    assert serious_violations(page) == []

    # Everything on the concern form open: errors, contact fields, map; then a saved entry.
    page.get_by_role("button", name="Save concern").click()
    expect(page.locator("#category-error")).to_be_visible()
    page.get_by_label("Resident consents to be contacted").check()
    page.get_by_text("Grid reference, another ward or the map").click()
    expect(page.locator("#place-map path.leaflet-interactive").first).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("radio", name="Parking").click()
    page.get_by_label("What was raised").fill("Vans parked across the dropped kerbs")
    page.get_by_role("button", name="Save concern").click()
    expect(page.locator("#undo-bar")).to_be_visible()
    expect(page.locator("#saved-list li")).to_have_count(1)
    assert serious_violations(page) == []


def test_every_control_is_big_enough_for_a_thumb(phone, live_server):  # noqa: F811
    page = open_capture(phone, live_server)
    start_meeting(page)
    page.get_by_text("Grid reference, another ward or the map").click()
    small = page.evaluate("""() => [...document.querySelectorAll(
        '#capture button, #capture select, #capture input:not([type=radio]):not([type=checkbox]), #capture textarea, #capture summary, .cap-choice label, .leaflet-control-zoom a')]
      .filter(el => el.offsetParent !== null)
      .map(el => [el.id || el.textContent.trim().slice(0, 30), el.getBoundingClientRect()])
      .filter(([, r]) => r.height < 44 || r.width < 44)
      .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)""")
    assert small == []
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
