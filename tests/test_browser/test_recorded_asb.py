"""police.uk's recorded ASB in a real browser: the maps' layer with its legend and caveat,
and the ward page's section at phone width, with axe finding no serious fault."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engage.extensions import db
from engage.platform.dates import add_months, office_day
from engage.records.models import RecordedMonth
from engage.records.policeuk import import_policeuk_files
from engage.records.ward_recorded import CAVEAT
from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in
from tests.test_records.policeuk_files import ASB, Row, label_points, write_street_file

CENTRAL, NEWPORT = "E05009857", "E05009866"


@pytest.fixture
def last_month(live_server, tmp_path):
    """Last month imported into the live server's database (5 ASB in Central, 2 in Newport,
    a burglary), removed afterwards so other browser tests see what they expect."""
    month = add_months(office_day().replace(day=1), -1)
    label = month.strftime("%Y-%m")
    with live_server.app.app_context():
        points = label_points([CENTRAL, NEWPORT])
        rows = [Row(label, ASB, points[CENTRAL])] * 5 + [Row(label, ASB, points[NEWPORT])] * 2
        rows.append(Row(label, "Burglary", points[CENTRAL]))
        import_policeuk_files([write_street_file(tmp_path / f"{label}-cleveland-street.csv", rows)])
        db.session.commit()
    yield month
    with live_server.app.app_context():
        db.session.execute(sa.delete(RecordedMonth).where(RecordedMonth.month == month))
        db.session.commit()


def test_the_recorded_asb_layer_shades_wards_and_gives_the_caveat(page, live_server, last_month):
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/maps")
    page.locator("#concern-map[data-total]").wait_for(state="attached")

    page.get_by_label("Recorded ASB (police.uk)").check()
    page.locator("#recorded-legend[data-total]").wait_for(state="attached")
    legend = page.locator("#recorded-legend")
    assert legend.get_attribute("data-total") == "7"
    expect(legend).to_contain_text(f"7 ASB incidents recorded, {last_month:%B %Y} (1 month imported).")
    expect(legend).to_contain_text(CAVEAT)
    central = page.locator(f"path.recorded-{CENTRAL}")
    assert central.get_attribute("fill-opacity") == "0.75"
    assert page.locator(f"path.recorded-{NEWPORT}").get_attribute("fill") != central.get_attribute("fill")
    assert page.locator("path.recorded-E05001509").get_attribute("fill-opacity") == "0"  # Grangetown: none

    page.get_by_label("Recorded ASB (police.uk)").uncheck()
    expect(legend).to_be_hidden()
    assert page.blocked_requests == []


def test_the_ward_page_section_reads_at_phone_width(page, live_server, last_month):
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/wards/{CENTRAL}")

    section = page.locator("section#recorded")
    expect(section.get_by_role("heading", level=2)).to_have_text("Recorded by police (police.uk)")
    expect(section).to_contain_text(CAVEAT)
    row = section.locator("tbody tr").first
    expect(row.locator("th")).to_have_text(f"{last_month:%B %Y}")
    expect(row.locator("td").first).to_have_text("5")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []
