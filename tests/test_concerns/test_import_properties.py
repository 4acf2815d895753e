"""The CSV/XLSX importers over generated files (hypothesis): designations, teams and the
historical meetings. Whatever the bytes, each importer answers a result or its own error
listing the problems, never another exception; and when it refuses, nothing is stored.

Files are generated three ways: arbitrary bytes, arbitrary text in a few encodings, and
files shaped like the real thing (the right header, or nearly, over rows mixing good
values with bad ones: formulas, NUL characters, quotes, line breaks, overlong text).
Every example's changes are rolled back before the next one.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.concerns.import_meetings import (
    ImportFileError,
    ImportRefused,
    plan_import,
    read_rows,
    run_import,
)
from engage.concerns.models import Concern, Meeting
from engage.geography.boundaries import current_boundary_set
from engage.geography.designations import DesignationImportError, import_designations
from engage.geography.models import WardDesignation
from engage.teams.models import Team, team_ward
from engage.teams.services import TeamImportError, import_teams

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = st.sampled_from(
    [
        '=HYPERLINK("http://x")',
        "+1",
        "-2",
        "@SUM(A1)",
        "a\x00b",
        '"quoted, comma"',
        "line\nbreak",
        "x" * 300,
        "\ufeffbom",
        "",
        " ",
        "é",
        "\r",
        ";;",
        "NULL",
    ]
)


def csv_text(header_choices, valid, invalid=None):
    """A CSV: a header over rows of cells drawn per column, from the column's valid
    values only (`invalid` None: a file that should import) or mixed with invalid ones,
    NASTY cells and random text."""

    @st.composite
    def build(draw):
        header = draw(header_choices)
        columns = []
        for name in header:
            key = name.strip().lower()
            good = st.sampled_from(valid.get(key, ["x"]))
            if invalid is None:
                columns.append(good)
            else:
                bad = st.sampled_from(invalid.get(key, ["?"]))
                columns.append(st.one_of(good, good, good, bad, NASTY, st.text(max_size=12)))
        rows = draw(st.lists(st.tuples(*columns), max_size=6))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()

    return build()


def header_variants(real):
    real = list(real)
    return st.one_of(
        st.just(real),
        st.permutations(real),
        st.integers(0, len(real) - 1).map(lambda i: real[:i] + real[i + 1 :]),
        st.just(real + ["extra"]),
        st.just([c.upper() for c in real]),
    )


def encoded(text_strategy):
    return st.tuples(text_strategy, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"])).map(
        lambda pair: pair[0].encode(pair[1], errors="replace")
    )


def files(valid, invalid):
    """Arbitrary bytes, arbitrary text, nearly right files and right ones."""
    return st.one_of(
        st.binary(max_size=200),
        encoded(st.text(max_size=200)),
        encoded(csv_text(header_variants(valid), valid, invalid)),
        csv_text(st.permutations(list(valid)), valid).map(str.encode),
    )


def count(db, *models):
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models)


# --- designations ----------------------------------------------------------------

DESIGNATION_VALUES = {
    "ward_code": ["E05009857", "E05009866", " E05009857 "],
    "designation": ["strengthen", "Support", "sustain"],
    "effective_from": ["2018-04-01", "2019-04-01", "9999-12-31"],
}
DESIGNATION_FILES = files(
    DESIGNATION_VALUES,
    {
        "ward_code": ["E05012345", "e05009857"],
        "designation": ["maintain"],
        "effective_from": ["2019-13-01", "01/04/2018"],
    },
)


@SETTINGS
@given(DESIGNATION_FILES)
def test_designations_import_any_file(db, tmp_path, data):
    path = tmp_path / "designations.csv"
    path.write_bytes(data)
    before = count(db, WardDesignation)
    try:
        result = import_designations(str(path), current_boundary_set())
    except DesignationImportError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        assert count(db, WardDesignation) == before, "a refused file stored designations"
    else:
        db.session.flush()
        assert count(db, WardDesignation)[0] == before[0] + result.created
    finally:
        db.session.rollback()


# --- teams -----------------------------------------------------------------------

TEAM_VALUES = {
    "code": ["INT-A", "B_2", "P-3"],
    "name": ["Team A", "Partner B"],
    "kind": ["int", "partner", "INT"],
    "lad_code": ["E06000002"],
    "contact_email": ["a@example.org", ""],
    "coverage": ["wards", "authority", "all"],
    "wards": ["E05009857;E05009866", "e05009857"],
    "notify_mode": ["digest", "immediate", ""],
}
TEAM_FILES = files(
    TEAM_VALUES,
    {
        "code": ["int-a", "-bad", "x" * 41],
        "name": ["", "n" * 170],
        "kind": ["police"],
        "lad_code": ["", "E06999999"],
        "contact_email": ["not-an-email"],
        "coverage": ["x"],
        "wards": ["", "E0500;", ";"],
        "notify_mode": ["weekly"],
    },
)


@SETTINGS
@given(TEAM_FILES, st.booleans())
def test_teams_import_any_file(db, tmp_path, data, dry_run):
    path = tmp_path / "teams.csv"
    path.write_bytes(data)
    before = count(db, Team, team_ward)
    try:
        result = import_teams(str(path), dry_run=dry_run)
    except TeamImportError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        assert count(db, Team, team_ward) == before, "a refused file stored teams"
    else:
        db.session.flush()
        if dry_run:
            assert count(db, Team, team_ward) == before
        else:
            assert count(db, Team)[0] == before[0] + len(result.created)
    finally:
        db.session.rollback()


# --- historical meetings ---------------------------------------------------------

MEETING_VALUES = {
    "date": ["2019-03-04", "04/03/2019", "3 July 2018", "43284"],
    "ward": ["Brotton", "brotton "],
    "venue": ["Library", "Hall"],
    "attendance": ["12", "1,200", ""],
    "notes": ["fine", ""],
    "kind": ["PACT", ""],
    "category": ["Speeding and road safety", "drugs"],
    "concern": ["Speeding", "Bikes"],
    "status": ["", "closed", "In progress"],
}
MEETING_FILES = files(
    MEETING_VALUES,
    {
        "date": ["=TODAY()", "2099-01-01", "1899-01-01", "31/02/2019"],
        "ward": ["Nowhere", "E05009857x"],
        "venue": ["v" * 250],
        "attendance": ["-3", "lots", "99999999999999999999"],
        "notes": ["=cmd|' /C calc'!A0"],
        "kind": ["party"],
        "category": ["unknown"],
        "concern": [""],
        "status": ["open"],
    },
)


def _import_meetings(db, path, skip_invalid):
    """What `flask import meetings` does; returns the result or the refusal."""
    before = count(db, Meeting, Concern)
    try:
        table = read_rows(path)
    except ImportFileError as exc:
        assert str(exc)
        return exc
    plan = plan_import(table, source=path.name, today=date(2026, 6, 1))
    try:
        result = run_import(plan, skip_invalid=skip_invalid)
    except ImportRefused as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        assert count(db, Meeting, Concern) == before, "a refused file stored meetings"
        return exc
    db.session.flush()
    after = count(db, Meeting, Concern)
    assert after == (before[0] + result.meetings, before[1] + result.concerns)
    return result


@SETTINGS
@given(MEETING_FILES, st.booleans())
def test_meetings_import_any_csv(db, tmp_path, data, skip_invalid):
    path = tmp_path / "meetings.csv"
    path.write_bytes(data)
    try:
        _import_meetings(db, path, skip_invalid)
    finally:
        db.session.rollback()


@settings(SETTINGS, max_examples=25)
@given(st.binary(max_size=300), st.sampled_from([b"", b"PK\x03\x04"]))
def test_meetings_import_any_bytes_as_xlsx(db, tmp_path, data, prefix):
    path = tmp_path / "meetings.xlsx"
    path.write_bytes(prefix + data)
    try:
        _import_meetings(db, path, False)
    finally:
        db.session.rollback()


@settings(SETTINGS, max_examples=25)
@given(
    st.lists(
        st.tuples(
            *[
                st.one_of(st.sampled_from(MEETING_VALUES[c]), NASTY)
                for c in ("date", "ward", "venue", "attendance", "concern")
            ]
        ),
        min_size=1,
        max_size=4,
    )
)
def test_meetings_import_generated_xlsx(db, tmp_path, rows):
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    sheet.append(["Date", "Ward", "Venue", "Attendance", "Concern"])
    for row in rows:
        # openpyxl refuses control characters in cells; a real file cannot hold them either.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) for v in row])
    path = tmp_path / "meetings.xlsx"
    book.save(path)
    try:
        _import_meetings(db, path, True)
    finally:
        db.session.rollback()


@pytest.mark.parametrize("importer", ["designations", "teams", "meetings"])
def test_a_field_over_the_csv_module_limit_is_a_clear_error(db, tmp_path, importer):
    """Python's csv module refuses a field over 128 KiB (csv.Error): reported, not a crash."""
    path = tmp_path / f"{importer}.csv"
    header = {"designations": DESIGNATION_VALUES, "teams": TEAM_VALUES, "meetings": MEETING_VALUES}[importer]
    path.write_text(",".join(header) + '\n"' + "x" * 200_000 + '"' + "," * (len(header) - 1) + "\n")
    if importer == "designations":
        with pytest.raises(DesignationImportError, match="field larger"):
            import_designations(str(path), current_boundary_set())
    elif importer == "teams":
        with pytest.raises(TeamImportError, match="field larger"):
            import_teams(str(path))
    else:
        with pytest.raises(ImportFileError, match="field larger"):
            read_rows(path)


def test_nul_characters_in_a_teams_file_are_reported_not_stored(db, tmp_path):
    """Regression: a NUL in a team's name reached PostgreSQL, which refuses it (a crash)."""
    path = tmp_path / "teams.csv"
    path.write_text(
        "code,name,kind,lad_code,contact_email,coverage,wards\nINT-Z,Na\x00me,int,E06000002,a@example.org,all,\n"
    )
    before = count(db, Team)
    with pytest.raises(TeamImportError) as refused:
        import_teams(str(path))
    assert refused.value.problems == ["row 2: name: holds a NUL character"]
    assert count(db, Team) == before


def test_nul_characters_in_a_meetings_file_are_reported_not_stored(db, tmp_path):
    """Regression: NULs in the venue and concern reached PostgreSQL, which refuses them."""
    path = tmp_path / "meetings.csv"
    path.write_text(
        "Date,Ward,Venue,Attendance,Concern,Category\n"
        "2019-03-04,Brotton,Lib\x00rary,12,Spee\x00d,Speeding and road safety\n"
    )
    plan = plan_import(read_rows(path), today=date(2026, 6, 1))
    assert [str(p) for p in plan.problems] == ["row 2: Venue: holds a NUL character; Concern: holds a NUL character"]
    before = count(db, Meeting, Concern)
    with pytest.raises(ImportRefused):
        run_import(plan)
    assert count(db, Meeting, Concern) == before
