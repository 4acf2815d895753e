"""Real or demo data, one rule everywhere (engage/demo/source.py): real figures whenever
any exist, demo only when it is all there is, a switch only when demo data exists, and
never the two in one figure: on the inbox, its ward page, the ward page's figures, the
maps, the reports and the exports."""

import csv
import io
import json
import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.concerns.capture import raise_concern, record_meeting
from engage.concerns.models import Category, Concern
from engage.demo.source import DEMO, REAL, DataSource, data_present, default_source, parse_source, source_from
from tests.conftest import TODAY

CENTRAL, NEWPORT = "E05009857", "E05009866"  # both in the inspector's team's area
FROM, TO = (TODAY - timedelta(days=30)).isoformat(), TODAY.isoformat()
SWITCH = 'id="source-switch"'


def concern(text, demo, category):
    raised = (TODAY - timedelta(days=2)).isoformat() + "T18:00:00Z"
    body = {"id": str(uuid.uuid4()), "category": category, "description": text, "raised_at": raised}
    made, _ = raise_concern(dict(body, ward_code=CENTRAL), is_demo=demo, notify=False)
    return made


def meeting(venue, ward, demo):
    day = (TODAY - timedelta(days=3)).isoformat()
    record_meeting({"id": str(uuid.uuid4()), "ward_codes": [ward], "date": day, "venue": venue}, is_demo=demo)


def seed(db, real=True, demo=True):
    """Real: two drugs concerns and a meeting in Central; demo: one speeding concern in
    Central and a meeting in Newport. Each kind tells itself apart by its words."""
    if real:
        concern("Real concern one", False, "drugs")
        concern("Real concern two", False, "drugs")
        meeting("Real Hall", CENTRAL, False)
    if demo:
        concern("Invented concern", True, "speeding")
        meeting("Invented Hall", NEWPORT, True)
    db.session.commit()


def label(db, code):
    return db.session.scalar(sa.select(Category.label).where(Category.code == code))


def html(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def assert_real(page):
    assert "Real concern one" in page and "Invented concern" not in page
    assert SWITCH in page and "Showing real data" in page and "Show demo data" in page


def assert_demo(page):
    assert "Invented concern" in page and "Real concern" not in page
    assert SWITCH in page and "Showing demo data" in page and "Show real data" in page


# The rule itself.


def test_the_default_is_real_unless_demo_is_all_there_is():
    assert default_source((False, False)) == REAL  # an empty install: real, and nothing to switch to
    assert default_source((True, False)) == REAL
    assert default_source((True, True)) == REAL
    assert default_source((False, True)) == DEMO


def test_a_source_asked_for_is_real_or_demo_and_anything_else_says_so():
    assert parse_source(None, REAL) == (REAL, None)
    assert parse_source("", DEMO) == (DEMO, None)
    assert parse_source("demo", REAL) == (DEMO, None)
    assert parse_source("both", REAL) == (REAL, "source: 'both' is not real or demo")


def test_the_switch_shows_only_when_demo_data_exists_and_filters_only_when_both_do():
    only_real = DataSource(REAL, True, False)
    assert not only_real.switchable and only_real.condition(Concern.is_demo) is None
    both = DataSource(REAL, True, True)
    assert both.switchable and both.other == DEMO and both.condition(Concern.is_demo) is not None
    only_demo = DataSource(DEMO, False, True)
    assert only_demo.switchable and only_demo.is_demo and only_demo.condition(Concern.is_demo) is None
    assert DataSource(DEMO, True, True).condition(Concern.is_demo) is not None


def test_what_exists_counts_meetings_as_well_as_concerns(app, db):
    assert data_present() == (False, False)
    meeting("Invented Hall", NEWPORT, True)
    assert data_present() == (False, True) and source_from({}).name == DEMO
    meeting("Real Hall", CENTRAL, False)  # a real meeting and no real concern yet: real figures
    assert data_present() == (True, True) and source_from({}).name == REAL
    assert source_from({"source": "demo"}).name == DEMO
    wrong = source_from({"source": "everything"})
    assert wrong.name == REAL and "everything" in wrong.error


# Pages with real and demo data both: real by default, demo on request, the switch on each.


def test_inbox_and_its_ward_page_show_real_by_default_and_demo_on_request(db, inspector_client):
    seed(db)
    page = html(inspector_client, "/inbox")
    assert_real(page)
    assert re.search(r'Open <span class="count">2</span>', page)  # the count leaves the demo row out
    assert 'href="/inbox?source=demo"' in page
    demo = html(inspector_client, "/inbox?source=demo")
    assert_demo(demo)
    assert re.search(r'Open <span class="count">1</span>', demo) and "DEMO" in demo.upper()
    assert 'name="source" value="demo"' in demo  # the filters keep to demo data
    ward = html(inspector_client, f"/inbox/wards/{CENTRAL}")
    assert_real(ward) and 'Open concerns <span class="count">2</span>' in ward
    ward = html(inspector_client, f"/inbox/wards/{CENTRAL}?source=demo")
    assert_demo(ward) and 'Open concerns <span class="count">1</span>' in ward


def test_ward_page_figures_are_real_or_demo(db, staff_client):
    seed(db)
    drugs, speeding = label(db, "drugs"), label(db, "speeding")
    page = html(staff_client, f"/wards/{CENTRAL}")
    assert f"<li>{drugs}: 2</li>" in page and speeding not in page and "Real Hall" in page
    assert SWITCH in page and "Show demo data" in page
    demo = html(staff_client, f"/wards/{CENTRAL}?source=demo")
    assert f"<li>{speeding}: 1</li>" in demo and drugs not in demo and "Real Hall" not in demo
    assert "Showing demo data" in demo and "Show real data" in demo
    assert "Invented Hall" in html(staff_client, f"/wards/{NEWPORT}?source=demo")


def test_maps_page_and_api_count_real_or_demo(db, staff_client):
    seed(db)
    page = html(staff_client, "/maps")
    assert SWITCH in page and "Show demo data" in page and 'name="source" value="real"' in page
    assert "Showing demo data" in html(staff_client, "/maps?source=demo")
    real = staff_client.get("/api/v1/maps/wards").get_json()
    assert real["demo"] is False and real["wards"][CENTRAL]["count"] == 2 and real["total"] == 2
    demo = staff_client.get("/api/v1/maps/wards?source=demo").get_json()
    assert demo["demo"] is True and demo["wards"][CENTRAL]["count"] == 1 and demo["total"] == 1


def test_reports_show_real_by_default_and_demo_on_request(db, staff_client):
    seed(db)
    drugs, speeding = label(db, "drugs"), label(db, "speeding")
    index = html(staff_client, "/reports")
    assert SWITCH in index and "Show demo data" in index
    demo_index = html(staff_client, "/reports?source=demo")
    assert "Showing demo data" in demo_index and "source=demo" in demo_index.split("<h2>")[1]  # the presets
    panel = html(staff_client, f"/reports/panel?from={FROM}&to={TO}")
    assert drugs in panel and speeding not in panel and "Show demo data" in panel
    panel = html(staff_client, f"/reports/panel?from={FROM}&to={TO}&source=demo")
    assert speeding in panel and drugs not in panel and "Showing demo data" in panel

    def visited(page):
        status = json.loads(re.search(r'id="coverage-data">(.*?)</script>', page).group(1))
        return {code for code, s in status.items() if s == "visited"}

    coverage = html(staff_client, "/reports/coverage")
    assert visited(coverage) == {CENTRAL} and "Show demo data" in coverage
    coverage = html(staff_client, "/reports/coverage?source=demo")
    assert visited(coverage) == {NEWPORT} and "Showing demo data" in coverage
    download = staff_client.get("/reports/coverage?format=csv&source=demo")
    assert "ward-coverage-DEMO.csv" in download.headers["Content-Disposition"]
    rows = {
        r["ward_code"]: r["visited_in_period"] for r in csv.DictReader(io.StringIO(download.get_data(as_text=True)))
    }
    assert rows[NEWPORT] == "yes" and rows[CENTRAL] == "no"


def test_exports_are_real_by_default_and_demo_ones_say_so(db, inspector_client):
    seed(db)
    page = html(inspector_client, "/exports")
    assert SWITCH in page and "Show demo data" in page and 'name="source" value="real"' in page
    assert "Showing demo data" in html(inspector_client, "/exports?source=demo")
    real = inspector_client.get("/exports/concerns.csv")
    assert real.headers["Content-Disposition"] == 'attachment; filename="concerns.csv"'
    rows = list(csv.DictReader(io.StringIO(real.get_data(as_text=True))))
    assert sorted(r["description"] for r in rows) == ["Real concern one", "Real concern two"]
    demo = inspector_client.get("/exports/concerns.csv?source=demo")
    assert demo.headers["Content-Disposition"] == 'attachment; filename="concerns-DEMO.csv"'
    rows = list(csv.DictReader(io.StringIO(demo.get_data(as_text=True))))
    assert [(r["description"], r["is_demo"]) for r in rows] == [("Invented concern", "True")]
    xlsx = inspector_client.get("/exports/meetings.xlsx?source=demo")
    assert xlsx.status_code == 200 and "meetings-DEMO.xlsx" in xlsx.headers["Content-Disposition"]


# Demo data only: shown, and labelled; real data only: no switch.


DEMO_ONLY_PAGES = ["/inbox", f"/inbox/wards/{CENTRAL}", f"/wards/{CENTRAL}", "/maps", "/reports", "/exports"]


@pytest.mark.parametrize("url", DEMO_ONLY_PAGES + [f"/reports/panel?from={FROM}&to={TO}", "/reports/coverage"])
def test_with_demo_data_only_it_is_shown_and_labelled(db, staff_client, url):
    seed(db, real=False)
    page = html(staff_client, url)
    assert SWITCH in page and "Showing demo data" in page and "Show real data (none recorded yet)" in page


def test_with_demo_data_only_the_inbox_lists_it_and_the_map_counts_it(db, staff_client):
    seed(db, real=False)
    assert "Invented concern" in html(staff_client, "/inbox")
    assert staff_client.get("/api/v1/maps/wards").get_json()["demo"] is True
    download = staff_client.get("/exports/concerns.csv")
    assert "concerns-DEMO.csv" in download.headers["Content-Disposition"]


@pytest.mark.parametrize("url", DEMO_ONLY_PAGES + [f"/reports/panel?from={FROM}&to={TO}", "/reports/coverage"])
def test_with_real_data_only_there_is_no_switch(db, staff_client, url):
    seed(db, demo=False)
    page = html(staff_client, url)
    assert SWITCH not in page and "demo data" not in page.lower()


@pytest.mark.parametrize(
    "url",
    [
        "/inbox?source=both",
        f"/inbox/wards/{CENTRAL}?source=both",
        f"/wards/{CENTRAL}?source=both",
        "/reports?source=both",
        f"/reports/panel?from={FROM}&to={TO}&source=both",
        "/exports?source=both",
        "/exports/concerns.csv?source=both",
        "/api/v1/maps/wards?source=both",
    ],
)
def test_a_wrong_source_says_what_is_wrong(db, staff_client, url):
    seed(db)
    response = staff_client.get(url)
    assert response.status_code == 400
    assert "source: &#39;both&#39; is not real or demo" in response.get_data(as_text=True) or (
        "source: 'both' is not real or demo" in response.get_data(as_text=True)
    )


@pytest.mark.parametrize("url", ["/maps?source=both", "/reports/coverage?source=both"])
def test_a_wrong_source_on_a_page_that_shows_its_filters_errors(db, staff_client, url):
    seed(db)
    page = html(staff_client, url)
    assert "is not real or demo" in page and "Showing real data" in page
