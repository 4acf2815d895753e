"""Coverage counts a meeting held today at once, everywhere, and plans the year: when each
ward is next due by its designation's target interval, and which are due with nothing planned."""

import csv
import io
import uuid
from datetime import date, timedelta

import sqlalchemy as sa

from engage.geography.models import Ward, WardDesignation
from engage.maps.services import MapFilters
from engage.platform.dates import add_months, last_twelve_months
from engage.reports.periods import last_twelve_months as report_year
from engage.reports.periods import presets
from engage.reports.visits import plan, targets, write_targets
from tests.conftest import TODAY

CENTRAL, NEWPORT, YARM = "E05009857", "E05009866", "E05001552"
A_YEAR_AGO = add_months(TODAY, -12)


def meeting(client, ward, day, status="held", venue="Town Hall"):
    answer = client.post(
        "/api/v1/meetings",
        json={"id": str(uuid.uuid4()), "ward_codes": [ward], "venue": venue, "date": day.isoformat(), "status": status},
    )
    assert answer.status_code == 201, answer.get_json()


def designate(db, code, designation):
    ward = db.session.scalar(sa.select(Ward).where(Ward.code == code))
    db.session.add(WardDesignation(ward=ward, designation=designation, effective_from=TODAY - timedelta(days=1)))
    db.session.commit()


def rows_by_code(staff_client, query=""):
    answer = staff_client.get(f"/reports/coverage?format=csv{query}")
    assert answer.status_code == 200
    return {r["ward_code"]: r for r in csv.DictReader(io.StringIO(answer.get_data(as_text=True)))}


def test_the_last_twelve_months_end_today_and_start_the_day_after_a_year_ago(db, app_ctx):
    assert last_twelve_months(date(2026, 6, 17)) == (date(2025, 6, 18), date(2026, 6, 17))
    assert last_twelve_months(date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))
    assert report_year(TODAY).end == TODAY
    assert presets(TODAY)["last 12 months"].end == TODAY
    f = MapFilters.from_args({}, today=TODAY)
    assert (f.date_from, f.date_to) == last_twelve_months(TODAY)


def test_a_meeting_today_counts_and_one_exactly_a_year_ago_is_outside_the_year(officer_client, staff_client):
    meeting(officer_client, CENTRAL, TODAY)
    meeting(officer_client, NEWPORT, A_YEAR_AGO)
    page = staff_client.get("/reports/coverage").get_data(as_text=True)
    assert "<strong>1 of 79</strong>" in page
    rows = rows_by_code(staff_client)
    central, newport = rows[CENTRAL], rows[NEWPORT]
    assert central["visited_in_period"] == "yes" and central["last_meeting"] == TODAY.isoformat()
    assert central["overdue"] == "no"
    # A year ago is the twelve months before: not visited in this year, and due today, not yet overdue.
    assert newport["visited_in_period"] == "no" and newport["last_meeting"] == A_YEAR_AGO.isoformat()
    assert newport["overdue"] == "no" and newport["status"] == "due within 60 days"
    assert rows[YARM]["overdue"] == "yes" and rows[YARM]["status"] == "never visited"
    assert {r["visited_in_period"] for r in rows.values()} == {"yes", "no"}  # never True/False


def test_a_meeting_today_shows_on_the_ward_page_the_maps_and_the_report(officer_client, staff_client):
    meeting(officer_client, CENTRAL, TODAY, venue="St Hilda's Hall")
    ward_page = staff_client.get(f"/wards/{CENTRAL}").get_data(as_text=True)
    assert f"{TODAY:%-d %b %Y}: Your Force Your Voice, St Hilda&#39;s Hall" in ward_page
    concern = officer_client.post(
        "/api/v1/concerns",
        json={"id": str(uuid.uuid4()), "category": "speeding", "description": "Racing", "ward_code": CENTRAL},
    )
    assert concern.status_code == 201
    wards = staff_client.get("/api/v1/maps/wards").get_json()  # the maps' default period
    assert wards["wards"][CENTRAL]["count"] == 1
    start, end = last_twelve_months(TODAY)
    report = staff_client.get(f"/reports/panel?from={start}&to={end}").get_data(as_text=True)
    assert "St Hilda" in report


def test_targets_per_designation_make_a_strengthen_ward_overdue_sooner(db, app_ctx, officer_client):
    designate(db, CENTRAL, "strengthen")
    designate(db, NEWPORT, "sustain")
    seven_months_ago = add_months(TODAY, -7)
    meeting(officer_client, CENTRAL, seven_months_ago)
    meeting(officer_client, NEWPORT, seven_months_ago)
    assert targets() == {"strengthen": 6, "support": 12, "sustain": 12}
    rows = {w.code: w for w in plan(report_year(TODAY), "real", TODAY)}
    assert rows[CENTRAL].due == add_months(seven_months_ago, 6) and rows[CENTRAL].overdue
    assert rows[NEWPORT].due == add_months(seven_months_ago, 12) and not rows[NEWPORT].overdue
    write_targets({"strengthen": 9, "support": 12, "sustain": 12}, "admin@example.org")
    db.session.commit()
    rows = {w.code: w for w in plan(report_year(TODAY), "real", TODAY)}
    assert not rows[CENTRAL].overdue and rows[CENTRAL].target_months == 9


def test_due_in_the_next_60_days_with_nothing_planned_is_one_click_away(db, officer_client, staff_client):
    designate(db, CENTRAL, "support")
    designate(db, NEWPORT, "support")
    eleven_months_ago = add_months(TODAY, -11)  # due in about a month
    meeting(officer_client, CENTRAL, eleven_months_ago)
    meeting(officer_client, NEWPORT, eleven_months_ago)
    meeting(officer_client, NEWPORT, TODAY + timedelta(days=20), status="planned")
    page = staff_client.get("/reports/coverage").get_data(as_text=True)
    assert 'href="/reports/coverage?show=due' in page
    due = staff_client.get("/reports/coverage?show=due").get_data(as_text=True)
    assert "Due in the next 60 days with nothing planned" in due
    assert "Central" in due and ">Newport<" not in due
    rows = rows_by_code(staff_client, "&show=due")
    assert CENTRAL in rows and NEWPORT not in rows and YARM in rows


def test_admins_set_the_targets_and_a_bad_number_is_named(admin_client, staff_client, db):
    form = admin_client.get("/admin/coverage-targets").get_data(as_text=True)
    assert 'value="6"' in form
    bad = admin_client.post("/admin/coverage-targets", data={"strengthen": "0", "support": "x", "sustain": "12"})
    assert bad.status_code == 422
    assert bad.get_data(as_text=True).count("Give a whole number of months from 1 to 36.") == 2
    good = admin_client.post("/admin/coverage-targets", data={"strengthen": "4", "support": "12", "sustain": "18"})
    assert good.status_code == 302
    assert "Strengthen every 4 months" in staff_client.get("/reports/coverage").get_data(as_text=True)
    assert staff_client.get("/admin/coverage-targets").status_code == 403
