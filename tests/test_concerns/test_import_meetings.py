"""The historical meetings import: reading cells, checking rows, planning, writing."""

import csv
import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from engage.concerns.capture import record_meeting
from engage.concerns.import_meetings import (
    CellError,
    ImportRefused,
    concern_id_for,
    map_columns,
    meeting_id_for,
    parse_attendance,
    parse_day,
    plan_import,
    run_import,
    write_rejects,
)
from engage.concerns.models import Concern, ConcernRouting, Meeting, StatusChange
from engage.geography.boundaries import import_boundary_file
from engage.notify.models import OutboxMessage
from tests.conftest import GEODATA_DIR, make_team

TODAY = date(2026, 6, 1)


def row(**values):
    base = {"Date": "2019-03-04", "Ward": "Brotton", "Venue": "Brotton Library", "Attendance": "12", "Notes": ""}
    base.update(values)
    return base


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize(
    "value, day",
    [
        ("2018-07-03", date(2018, 7, 3)),
        ("03/07/2018", date(2018, 7, 3)),
        ("3/7/2018", date(2018, 7, 3)),
        ("03.07.18", date(2018, 7, 3)),
        ("3 July 2018", date(2018, 7, 3)),
        ("3rd July 2018", date(2018, 7, 3)),
        ("Tuesday 3 July 2018", date(2018, 7, 3)),
        ("3 Jul 2018", date(2018, 7, 3)),
        ("July 3, 2018", date(2018, 7, 3)),
        ("2018-07-03 00:00:00", date(2018, 7, 3)),
        (datetime(2018, 7, 3), date(2018, 7, 3)),  # an Excel date cell, as openpyxl reads it
        (43284, date(2018, 7, 3)),  # an Excel serial number
        ("43284", date(2018, 7, 3)),
    ],
)
def test_dates_people_write(value, day):
    assert parse_day(value) == day


@pytest.mark.parametrize("value", ["31/02/2019", "next Tuesday", "2019", "13/13/2019", ""])
def test_not_dates(value):
    with pytest.raises(CellError):
        parse_day(value)


@pytest.mark.parametrize("value, number", [("12", 12), (12, 12), (12.0, 12), ("1,200", 1200), ("", None), (None, None)])
def test_attendance(value, number):
    assert parse_attendance(value) == number


@pytest.mark.parametrize("value", ["about 20", "12.5", 12.5, "-3", -3, True])
def test_attendance_not_a_number(value):
    with pytest.raises(CellError):
        parse_attendance(value)


def test_headers_any_case_with_aliases():
    fields, ignored, problems = map_columns(
        ["Meeting Date", "WARD_NAME", "Location", "Attendees", "Comments", "Theme", "What was raised", "Chair"]
    )
    assert fields == {
        "date": "Meeting Date",
        "ward_name": "WARD_NAME",
        "venue": "Location",
        "attendance": "Attendees",
        "notes": "Comments",
        "category": "Theme",
        "concern": "What was raised",
    }
    assert ignored == ["Chair"] and problems == []
    assert "no date" in map_columns(["ward", "venue"])[2][0]


def test_rows_with_the_same_date_ward_and_venue_are_one_meeting(app_ctx, db):
    plan = plan_import(
        [
            row(Ward="Brotton ward", Category="drugs", Concern="Dealing by the shops"),
            row(Ward="brotton", Category="Speeding and road safety", Concern="Racing on the A174", Attendance=""),
            row(Ward="E05001505", Venue="brotton  LIBRARY", Category="drugs", Concern="Dealing by the shops"),
            row(Date="2019-04-01"),
        ],
        today=TODAY,
    )
    assert plan.ok, plan.problems
    assert len(plan.meetings) == 2 and len(plan.concerns) == 3
    first = plan.meetings[0]
    assert first.id == meeting_id_for("E05001505", date(2019, 3, 4), "Brotton Library")
    assert first.attendance == 12 and first.rows == [2, 3, 4] and first.vintage == "2018-12"
    # The same concern twice at one meeting: two concerns, two stable ids.
    ids = [c.id for c in plan.concerns]
    assert len(set(ids)) == 3
    assert ids[2] == concern_id_for(first.id, "drugs", "Dealing by the shops", 2)


def test_problems_are_reported_by_row_with_reasons(app_ctx):
    plan = plan_import(
        [
            row(),
            row(Ward="Brotten"),
            row(Date="31/02/2019", Venue="Elsewhere"),
            row(Attendance="about 20", Venue="Hall"),
            row(Attendance="=B2+1", Venue="Church"),
            row(Category="Burglry", Concern="Sheds broken into", Venue="School"),
            row(Date="2027-01-01"),
            row(Kind="Coffee morning", Venue="Cafe"),
        ],
        today=TODAY,
    )
    reasons = {p.row: p.reason for p in plan.problems}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert reasons[3] == "unknown ward 'Brotten' in boundary set 2018-12; closest: Brotton (E05001505)"
    assert reasons[4].startswith("date '31/02/2019' does not exist")
    assert reasons[5] == "attendance 'about 20' is not a whole number"
    assert reasons[6] == "Attendance: the formula =B2+1 is not evaluated; type the value itself"
    assert reasons[7].startswith("unknown category 'Burglry'; closest: Burglary and theft")
    assert "in the future" in reasons[8]
    assert reasons[9].startswith("meeting kind 'Coffee morning' is not one of")
    with pytest.raises(ImportRefused):
        run_import(plan)


def test_conflicting_duplicates_in_the_file(app_ctx):
    plan = plan_import([row(), row(Attendance="15", Category="drugs", Concern="x"), row(Venue="Other")], today=TODAY)
    assert [p.row for p in plan.problems] == [2, 3]
    assert (
        "rows 2, 3 are the same meeting (Brotton, 4 March 2019, Brotton Library) with different attendance 12, 15"
        in plan.problems[0].reason
    )
    assert len(plan.meetings) == 1 and plan.concerns == []


def test_import_writes_closed_routed_concerns_without_e_mail(app_ctx, db):
    make_team("INT-REDCAR", ward_codes=("E05001505",), lad_code="E06000003")
    plan = plan_import(
        [
            row(Category="drugs", Concern="Dealing by the shops"),
            row(Category="speeding", Concern="Racing", Status="In progress"),
            row(Concern="Street lights out"),  # no category: Other
        ],
        source="meetings-2019.csv",
        today=TODAY,
    )
    result = run_import(plan)
    db.session.commit()
    assert (result.meetings, result.concerns) == (1, 3)
    meeting = db.session.get(Meeting, plan.meetings[0].id)
    assert meeting.status == "held" and meeting.wards[0].code == "E05001505" and meeting.attendance == 12
    concerns = db.session.scalars(sa.select(Concern).order_by(Concern.description)).all()
    assert [(c.description, c.status, c.category.code) for c in concerns] == [
        ("Dealing by the shops", "closed", "drugs"),
        ("Racing", "in_progress", "speeding"),
        ("Street lights out", "closed", "other"),
    ]
    assert all(
        c.channel == "import" and c.meeting_id == meeting.id and c.lead_team.code == "INT-REDCAR" for c in concerns
    )
    assert concerns[0].raised_at.date() == date(2019, 3, 4)
    assert count(db, ConcernRouting) == 3 and count(db, OutboxMessage) == 0
    change = db.session.scalar(sa.select(StatusChange).where(StatusChange.concern_id == concerns[0].id))
    assert (change.from_status, change.to_status) == ("new", "closed") and "meetings-2019.csv" in change.note

    again = plan_import(
        [
            row(Category="drugs", Concern="Dealing by the shops"),
            row(Category="speeding", Concern="Racing", Status="In progress"),
            row(Concern="Street lights out"),
        ],
        today=TODAY,
    )
    assert again.ok and again.new_meetings == [] and again.new_concerns == []
    assert run_import(again).summary().startswith("Imported 0 meetings and 0 concerns")


def test_already_in_the_database_from_elsewhere(app_ctx, db):
    run_import(plan_import([row()], today=TODAY))
    record_meeting(
        {
            "id": "0b7c1a52-7c4c-4e55-8f4e-5a3f7c1b2d9e",
            "ward_codes": ["E05009857"],
            "date": "2019-03-04",
            "venue": "St Hilda's Church",
            "attendance": 9,
        }
    )
    db.session.commit()
    plan = plan_import(
        [
            row(Attendance="30"),  # imported before, now different
            row(Ward="Central", Venue="St Hildas church"),  # recorded on the phone
        ],
        today=TODAY,
    )
    reasons = [p.reason for p in plan.problems]
    assert reasons[0].startswith(
        "duplicate meeting: already imported (perhaps from another file) with different "
        "attendance 12 in engage, 30 in the file"
    )
    assert reasons[1].startswith("duplicate meeting: already in engage as meeting 0b7c1a52")


def test_wards_of_the_vintage_in_force_on_the_day(app_ctx, db):
    import_boundary_file(f"{GEODATA_DIR}/wards-2013-12.geojson")
    db.session.flush()
    plan = plan_import(
        [
            row(Date="4 May 2016", Ward="Stainton & Thornton", Venue="Village Hall"),
            row(Date="4 May 2019", Ward="Stainton and Thornton ward", Venue="Village Hall"),
            row(Date="4 May 2016", Ward="Brambles & Thorntree", Venue="Hall"),
        ],
        today=TODAY,
    )
    assert [(m.ward.code, m.vintage) for m in plan.meetings] == [("E05001502", "2013-12"), ("E05009871", "2018-12")]
    assert plan.problems[0].row == 4 and "boundary set 2013-12" in plan.problems[0].reason
    run_import(plan, skip_invalid=True)
    assert db.session.get(Meeting, plan.meetings[0].id).wards[0].boundary_set.vintage == "2013-12"


def test_rejects_keep_the_row_with_a_reason_and_defuse_formulas(app_ctx):
    plan = plan_import([row(), row(Ward="Brotten", Notes='=HYPERLINK("x")')], today=TODAY)
    out = io.StringIO()
    assert write_rejects(plan, out) == 1
    header, rejected = list(csv.reader(io.StringIO(out.getvalue())))
    assert header == ["Date", "Ward", "Venue", "Attendance", "Notes", "reason"]
    assert rejected[:5] == ["2019-03-04", "Brotten", "Brotton Library", "12", '\'=HYPERLINK("x")']
    assert rejected[5].startswith('row 3: Notes: the formula =HYPERLINK("x") is not evaluated')
    assert "unknown ward 'Brotten'" in rejected[5]
