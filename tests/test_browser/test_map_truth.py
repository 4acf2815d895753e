"""Maps that tell the truth (issue #18), in a real browser at desk and phone widths:
an empty ward is drawn empty and the legend says "0"; designations are hatched with a
legend of their own; the heat layer starts off and dims the wards when on; choosing an
authority zooms to it; on a phone the layer control is a button and the map fills the
screen; and no map page has a serious accessibility fault."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engage.extensions import db
from engage.geography.models import Ward, WardDesignation
from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in, post

CENTRAL = "E05009857"  # Middlesbrough
HARTLEPOOL = "E06000001"


DESIGNATED = {CENTRAL: "strengthen", "E05009866": "support", "E05001552": "sustain"}


@pytest.fixture
def designations(live_server):
    """Three wards designated for this test only (the live server is shared)."""
    with live_server.app.app_context():
        ids = dict(db.session.execute(sa.select(Ward.code, Ward.id).where(Ward.code.in_(DESIGNATED))).all())
        rows = [
            WardDesignation(ward_id=ids[code], designation=d, effective_from=date(2020, 1, 1), is_sample=True)
            for code, d in DESIGNATED.items()
        ]
        db.session.add_all(rows)
        db.session.commit()
        made = [row.id for row in rows]
    yield
    with live_server.app.app_context():
        db.session.execute(sa.delete(WardDesignation).where(WardDesignation.id.in_(made)))
        db.session.commit()


def open_layers(page):
    """The layer list: already open on a desk; on a phone, behind its button."""
    control = page.locator(".leaflet-control-layers")
    toggle = control.locator(".leaflet-control-layers-toggle")
    if toggle.is_visible():
        control.hover()  # a tap, a mouse over it, or Enter on its button opens it
    expect(control.locator(".leaflet-control-layers-list")).to_be_visible()


@pytest.fixture
def staff_page(page, live_server):
    _, officer_token = live_user_with_token(live_server, "officer")
    body = {"id": str(uuid.uuid4()), "category": "drugs", "description": "map truth", "ward_code": CENTRAL}
    post(live_server, officer_token, body)
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    return page


def open_map(page, live_server, width, query=""):
    page.set_viewport_size({"width": width, "height": 740 if width < 600 else 900})
    page.goto(f"{live_server.url}/maps{query}")
    page.locator("#concern-map[data-total][data-bounds]").wait_for(state="attached")
    return page.request.get(f"{live_server.url}/api/v1/maps/wards{query}").json()


def show_filters(page):
    """The filters: open already on a desk, behind their button on a phone."""
    if not page.locator("#map-filter-panel").evaluate("d => d.open"):
        page.locator("#map-filter-panel > summary").click()


def fill_opacity(page, code):
    return float(page.locator(f"#concern-map path.ward-{code}").get_attribute("fill-opacity"))


def bounds(page):
    west, south, east, north = map(float, page.locator("#concern-map").get_attribute("data-bounds").split(","))
    return west, south, east, north


@pytest.mark.parametrize("width", [1280, 360])
def test_an_empty_ward_is_drawn_empty_and_the_legend_says_0(staff_page, live_server, width):
    page = staff_page
    data = open_map(page, live_server, width)
    empty = next(code for code, f in data["wards"].items() if f["count"] == 0)
    assert data["wards"][CENTRAL]["count"] >= 1
    assert fill_opacity(page, empty) == 0
    assert fill_opacity(page, CENTRAL) > 0.5
    legend = page.locator("#class-legend")
    expect(legend.get_by_text("0 (no concerns)")).to_be_visible()
    expect(legend).to_contain_text(f"({data['zero']} wards)")
    for c in data["classes"]:  # each class's range in plain numbers
        expect(legend.get_by_text(c["label"], exact=True)).to_be_visible()

    # Filtering by authority draws the other authorities' wards as outside the selection, not as 0.
    if width < 600:
        # On a phone the map comes first; the filters wait folded behind their button.
        expect(page.locator("#concern-map")).to_be_in_viewport()
        expect(page.get_by_label("Local authority", exact=True)).to_be_hidden()
    show_filters(page)
    page.get_by_label("Local authority", exact=True).select_option(HARTLEPOOL)
    expect(legend).to_contain_text("outside the selection")
    assert fill_opacity(page, CENTRAL) == 0.5


@pytest.mark.parametrize("width", [1280, 360])
def test_heat_starts_off_and_dims_the_wards_designations_have_their_legend(
    staff_page, live_server, designations, width
):
    page = staff_page
    open_map(page, live_server, width)
    if width < 600:
        # On a phone the layer control is a folded button, and the map fills the screen.
        control = page.locator(".leaflet-control-layers")
        expect(control.locator(".leaflet-control-layers-toggle")).to_be_visible()
        expect(control.locator(".leaflet-control-layers-list")).to_be_hidden()
        box = page.locator("#concern-map").bounding_box()
        assert box["width"] >= 355 and box["height"] >= 0.9 * 740
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    open_layers(page)

    heat = page.get_by_label("Heat map of concerns")
    assert not heat.is_checked()
    assert page.locator("#concern-map .leaflet-heatmap-layer").count() == 0
    assert fill_opacity(page, CENTRAL) == 0.8
    heat.check()
    page.locator("#concern-map[data-heat-points]").wait_for(state="attached")
    assert fill_opacity(page, CENTRAL) < 0.5
    expect(page.locator("#class-legend")).to_contain_text("dimmed")
    heat.uncheck()
    assert fill_opacity(page, CENTRAL) == 0.8

    designation_legend = page.locator("#designation-legend")
    expect(designation_legend).to_be_hidden()
    page.get_by_label("Designations (Strengthen / Support / Sustain)").check()
    expect(designation_legend).to_be_visible()
    for name in ("Strengthen", "Support", "Sustain"):
        expect(designation_legend).to_contain_text(name)
    for d in ("strengthen", "support", "sustain"):
        assert page.locator(f"#concern-map path[fill='url(#hatch-{d})']").count() == 1
    # Over the shading, not instead of it: the ward keeps its colour and its tooltip.
    assert fill_opacity(page, CENTRAL) == 0.8
    assert page.blocked_requests == []


@pytest.mark.parametrize("width", [1280, 360])
def test_choosing_an_authority_zooms_to_it(staff_page, live_server, width):
    page = staff_page
    open_map(page, live_server, width)
    west, south, east, north = bounds(page)
    show_filters(page)
    page.get_by_label("Local authority", exact=True).select_option(HARTLEPOOL)
    page.locator(
        f"#concern-map:not([data-bounds='{page.locator('#concern-map').get_attribute('data-bounds')}'])"
    ).wait_for(state="attached")
    w, s, e, n = bounds(page)
    assert (e - w) < (east - west) and (n - s) < (north - south)
    # Hartlepool is the north of Cleveland: the new view lies in the north of the old one.
    assert s > south and n <= north + 0.01
    # Back to all of Cleveland: the whole area again.
    page.get_by_label("Local authority", exact=True).select_option("")
    page.locator(f"#concern-map[data-bounds='{west},{south},{east},{north}']").wait_for(state="attached")

    # A shared link with an authority opens zoomed to it.
    open_map(page, live_server, width, f"?lad={HARTLEPOOL}")
    w2, s2, e2, n2 = bounds(page)
    assert (e2 - w2) < (east - west)


@pytest.mark.parametrize("width", [1280, 360])
def test_map_pages_have_no_serious_accessibility_violations(staff_page, live_server, designations, width):
    page = staff_page
    open_map(page, live_server, width)
    assert serious_violations(page) == []
    open_layers(page)
    page.get_by_label("Designations (Strengthen / Support / Sustain)").check()
    expect(page.locator("#designation-legend")).to_be_visible()
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/wards/{CENTRAL}")
    page.locator("#ward-map[data-drawn]").wait_for(state="attached")
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/reports/coverage")
    page.locator("#coverage-map[data-wards]").wait_for(state="attached")
    assert serious_violations(page) == []
