"""The Section 59 register's services: a warning added by grid reference or latitude and
longitude lands in its ward, one outside every ward is kept and flagged, wrong fields are
named, and the CSV import is all or nothing with a reference stored once."""

from __future__ import annotations

import getpass
import random
import string

import pytest
import sqlalchemy as sa

from engage.accounts.policy import scope_for
from engage.extensions import db
from engage.geography.models import Ward
from engage.records.models import Section59Warning
from engage.records.section59 import RegisterFilters, Section59Refused, add_warning, list_warnings
from engage.records.section59_import import (
    Section59FileRefused,
    import_section59_file,
    import_section59_upload,
)
from tests.conftest import TODAY

# Eston (Redcar and Cleveland): its label point, and its grid reference to 10 m.
ESTON = ("54.561068", "-1.131766")
ESTON_GRID = "NZ 5624 1877"
CENTRAL_GRID = "NZ49661942"  # Central, Middlesbrough


def tag() -> str:
    return "".join(random.choices(string.ascii_uppercase, k=8))


def ward_code(warning) -> str | None:
    return warning.ward.code if warning.ward else None


def form(**values):
    base = {"reference": f"S59-{tag()}", "date": TODAY.isoformat(), "vehicle": "motorbike", "outcome": "warning"}
    return {**base, **values}


def test_a_warning_by_grid_reference_is_placed_in_its_ward(db):
    warning = add_warning(form(grid_ref=ESTON_GRID, place="Eston Hills"), today=TODAY, actor="staff@example.org")
    assert ward_code(warning) == "E05001508"
    assert warning.grid_ref == "NZ56241877"
    assert warning.lat == pytest.approx(54.561, abs=0.001) and warning.lon == pytest.approx(-1.1317, abs=0.001)
    assert warning.source == "entered" and not warning.is_demo and warning.created_by == "staff@example.org"


def test_a_warning_by_latitude_and_longitude_is_placed_in_its_ward(db):
    lat, lon = ESTON
    warning = add_warning(
        form(latitude=lat, longitude=lon, vehicle="Quad bike", outcome="Seized"), today=TODAY, actor="x"
    )
    assert ward_code(warning) == "E05001508"
    assert (warning.vehicle_type, warning.outcome, warning.grid_ref) == ("quad", "seizure", None)


def test_a_warning_outside_every_ward_is_kept_with_no_ward_and_listed_as_flagged(db, users):
    # Newcastle: a real place, in no Cleveland ward.
    outside = add_warning(form(latitude="54.97", longitude="-1.61"), today=TODAY, actor="x")
    inside = add_warning(form(grid_ref=CENTRAL_GRID), today=TODAY, actor="x")
    assert outside.id and outside.ward_id is None and outside.lat == 54.97
    staff = scope_for(users["staff"])
    flagged, count = list_warnings(staff, RegisterFilters(unplaced=True))
    assert outside in flagged and inside not in flagged and count == len(flagged)


def test_a_warning_with_no_position_is_kept_and_flagged(db):
    warning = add_warning(form(place="Somewhere on the A66"), today=TODAY, actor="x")
    assert warning.ward_id is None and warning.lon is None and warning.place == "Somewhere on the A66"


@pytest.mark.parametrize(
    "values, field, words",
    [
        ({"reference": ""}, "reference", "reference number"),
        ({"date": "31/02/2026"}, "date", "does not exist"),
        ({"date": "2099-01-01"}, "date", "after today"),
        ({"vehicle": "tractor"}, "vehicle", "'tractor' is not one of"),
        ({"outcome": ""}, "outcome", "Choose one of"),
        ({"grid_ref": "NZ123"}, "grid_ref", "odd number of digits"),
        ({"grid_ref": ESTON_GRID, "latitude": "54.5"}, "grid_ref", "not both"),
        ({"latitude": "54.5"}, "longitude", "Give the longitude too"),
        ({"latitude": "-1.13", "longitude": "54.56"}, "latitude", "wrong way round"),
        ({"latitude": "north", "longitude": "-1.1"}, "latitude", "must be a number"),
        ({"place": "Bank\x00top"}, "place", "NUL"),
    ],
)
def test_wrong_fields_are_named_and_nothing_is_stored(db, values, field, words):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Section59Warning))
    with pytest.raises(Section59Refused) as refused:
        add_warning(form(**values), today=TODAY, actor="x")
    assert words in refused.value.problems[field]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Section59Warning)) == before


def test_a_reference_already_in_the_register_is_refused_on_the_form(db):
    first = add_warning(form(grid_ref=ESTON_GRID), today=TODAY, actor="x")
    with pytest.raises(Section59Refused) as refused:
        add_warning(form(reference=first.reference, grid_ref=CENTRAL_GRID), today=TODAY, actor="x")
    assert "already in the register" in refused.value.problems["reference"]


# --- the CSV import ---------------------------------------------------------------------------


def write(tmp_path, lines, name="s59.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def stored(references):
    return db.session.scalars(
        sa.select(Section59Warning)
        .where(Section59Warning.reference.in_(references))
        .order_by(Section59Warning.reference)
    ).all()


def test_a_file_is_imported_placed_in_wards_and_a_reimport_skips_every_reference(db, tmp_path):
    a, b, c = (f"S59-{tag()}" for _ in range(3))
    path = write(
        tmp_path,
        [
            "reference,date,place,grid_ref,latitude,longitude,vehicle,outcome",
            f"{a},2026-05-02,Eston Hills,{ESTON_GRID},,,Motorbike,Warning",
            f"{b},03/05/2026,Albert Park,,54.5606,-1.2403,quad,seizure",
            f"{c},4 May 2026,Off the coast,,54.70,-0.90,car,warning",
        ],
    )
    result = import_section59_file(path, today=TODAY, actor="cli:test")
    assert sorted(result.created) == sorted([a, b, c]) and result.skipped == [] and result.unplaced == [c]
    rows = {w.reference: w for w in stored([a, b, c])}
    assert ward_code(rows[a]) == "E05001508" and rows[a].source == "import"
    assert rows[b].ward.local_authority.name == "Middlesbrough" and rows[b].outcome == "seizure"
    assert rows[c].ward_id is None

    again = import_section59_file(path, today=TODAY, actor="cli:test")
    assert again.created == [] and sorted(again.skipped) == sorted([a, b, c])
    assert "3 already in the register, skipped" in again.summary()
    assert len(stored([a, b, c])) == 3


def test_a_reference_twice_in_one_file_refuses_the_file_and_names_both_rows(db, tmp_path):
    a, b = f"S59-{tag()}", f"S59-{tag()}"
    path = write(
        tmp_path,
        [
            "reference,date,grid_ref,vehicle,outcome",
            f"{a},2026-05-02,{ESTON_GRID},motorbike,warning",
            f"{b},2026-05-03,{ESTON_GRID},motorbike,warning",
            f"{a},2026-05-04,{CENTRAL_GRID},quad,seizure",
        ],
    )
    with pytest.raises(Section59FileRefused) as refused:
        import_section59_file(path, today=TODAY, actor="cli:test")
    assert refused.value.problems == [f"row 4: reference: {a} is also on row 2: a reference is one warning"]
    assert stored([a, b]) == []


def test_every_wrong_row_is_named_and_nothing_is_imported(db, tmp_path):
    good, bad = f"S59-{tag()}", f"S59-{tag()}"
    path = write(
        tmp_path,
        [
            "reference,date,grid_ref,vehicle,outcome",
            f"{good},2026-05-02,{ESTON_GRID},motorbike,warning",
            f"{bad},2026-05-40,{ESTON_GRID},lorry,warning",
        ],
    )
    with pytest.raises(Section59FileRefused) as refused:
        import_section59_file(path, today=TODAY, actor="cli:test")
    (problem,) = refused.value.problems
    assert problem.startswith("row 3: ") and "date:" in problem and "vehicle: 'lorry' is not one of" in problem
    assert stored([good, bad]) == []


@pytest.mark.parametrize(
    "header, words",
    [
        ("reference,date,grid_ref,outcome", "missing column vehicle"),
        ("reference,date,place,vehicle,outcome", "no position column"),
    ],
)
def test_a_file_without_the_columns_is_refused_saying_which(db, header, words):
    with pytest.raises(Section59FileRefused) as refused:
        import_section59_upload("s59.csv", (header + "\nX,2026-01-01,a,b,c\n").encode(), today=TODAY, actor="x")
    assert words in refused.value.problems[0]


def test_an_upload_that_is_not_utf8_is_refused(db):
    with pytest.raises(Section59FileRefused) as refused:
        import_section59_upload("s59.csv", b"reference,date\n\xff\xfe", today=TODAY, actor="x")
    assert "not UTF-8" in refused.value.problems[0]


def test_an_inspector_lists_only_the_warnings_in_their_ints_wards(db, users):
    mine = add_warning(form(grid_ref=CENTRAL_GRID), today=TODAY, actor="x")
    theirs = add_warning(form(grid_ref=ESTON_GRID), today=TODAY, actor="x")
    rows, _ = list_warnings(scope_for(users["inspector"]), RegisterFilters())
    assert mine in rows and theirs not in rows
    everything, _ = list_warnings(scope_for(users["staff"]), RegisterFilters())
    assert {mine, theirs} <= set(everything)
    central = db.session.scalar(sa.select(Ward.id).where(Ward.id == mine.ward_id))
    only_central, count = list_warnings(scope_for(users["staff"]), RegisterFilters(ward_id=central))
    assert theirs not in only_central and mine in only_central and count == len(only_central)


def test_the_command_imports_a_file_and_refuses_a_wrong_one_with_status_2(db, runner, tmp_path):
    a = f"S59-{tag()}"
    good = write(
        tmp_path, ["reference,date,grid_ref,vehicle,outcome", f"{a},2026-05-02,{ESTON_GRID},motorbike,warning"]
    )
    dry = runner.invoke(args=["records", "import-section59", "--dry-run", good])
    assert dry.exit_code == 0 and "Dry run" in dry.output and stored([a]) == []
    done = runner.invoke(args=["records", "import-section59", good])
    assert done.exit_code == 0 and "1 warning imported; 0 already" in done.output
    assert [w.created_by for w in stored([a])] == [f"cli:{getpass.getuser()}"]
    bad = write(
        tmp_path, ["reference,date,grid_ref,vehicle,outcome", f"{a}X,2026-05-02,{ESTON_GRID},bus,warning"], "bad.csv"
    )
    refused = runner.invoke(args=["records", "import-section59", bad])
    assert refused.exit_code == 2 and "row 2: vehicle: 'bus' is not one of" in refused.output
