"""Importing police.uk street-level files: counts per month, ward and crime type, what
is left out, re-imports, and bad files refused whole."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from engage.geography.models import Ward
from engage.platform.audit import AuditEvent
from engage.records.models import RecordedCount, RecordedMonth
from engage.records.policeuk import PoliceUkFileRefused, import_policeuk_files
from tests.test_records.policeuk_files import ASB, DURHAM, LONDON, Row, label_points, write_street_file

WARDS = ["E05009857", "E05009866", "E05009867"]  # Central, Newport, North Ormesby
TYPES = [ASB, "Burglary", "Violence and sexual offences", "Vehicle crime"]


def generated_month(month: str, points: dict, seed: int) -> list[Row]:
    """Rows at the wards' label points, with one from another force, one outside the
    area and one with no position."""
    rng = random.Random(seed)
    rows = [Row(month, rng.choice(TYPES), points[rng.choice(WARDS)]) for _ in range(60)]
    rows += [
        Row(month, "Burglary", points[WARDS[0]], force=DURHAM),
        Row(month, ASB, LONDON),
        Row(month, "Shoplifting", None),
    ]
    rng.shuffle(rows)
    return rows


def expected_counts(rows: list[Row], points: dict) -> Counter:
    at = {point: code for code, point in points.items()}
    return Counter(
        (date.fromisoformat(r.month + "-01"), at[r.position], r.crime_type)
        for r in rows
        if r.force == "Cleveland Police" and r.position in at
    )


def stored_counts(db) -> Counter:
    rows = db.session.execute(
        sa.select(RecordedCount.month, Ward.code, RecordedCount.crime_type, RecordedCount.count).join(Ward)
    )
    return Counter({(m, code, t): n for m, code, t, n in rows})


@pytest.fixture
def two_months(app_ctx, tmp_path):
    points = label_points(WARDS)
    april, may = generated_month("2026-04", points, 1), generated_month("2026-05", points, 2)
    files = [
        write_street_file(tmp_path / "2026-04-cleveland-street.csv", april),
        write_street_file(tmp_path / "2026-05-cleveland-street.csv", may),
    ]
    return files, expected_counts(april + may, points)


def test_two_months_are_counted_per_ward_and_crime_type(db, two_months):
    files, expected = two_months
    tallies = import_policeuk_files(files, imported_by="cli:tester")
    db.session.commit()

    assert stored_counts(db) == expected
    assert [t.month for t in tallies] == [date(2026, 4, 1), date(2026, 5, 1)]
    for tally in tallies:
        assert (tally.stored, tally.other_force, tally.outside, tally.unplaced) == (60, 1, 1, 1)
        assert "60 stored in 3 wards; left out 1 from another force, 1 outside the area, 1 with no position" in (
            tally.summary()
        )
    april = db.session.get(RecordedMonth, date(2026, 4, 1))
    assert (april.rows_stored, april.rows_other_force, april.rows_outside, april.rows_unplaced) == (60, 1, 1, 1)
    assert april.files == "2026-04-cleveland-street.csv" and april.imported_by == "cli:tester"
    assert not april.is_demo


def test_importing_the_same_files_again_gives_the_same_counts(db, two_months):
    files, expected = two_months
    import_policeuk_files(files)
    db.session.commit()
    import_policeuk_files(files)
    db.session.commit()

    assert stored_counts(db) == expected
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecordedMonth)) == 2


def test_a_month_imported_again_replaces_only_that_month(db, app_ctx, tmp_path):
    points = label_points(WARDS)
    april = [Row("2026-04", ASB, points[WARDS[0]])] * 3
    may = [Row("2026-05", ASB, points[WARDS[1]])] * 2
    import_policeuk_files(
        [write_street_file(tmp_path / "april.csv", april), write_street_file(tmp_path / "may.csv", may)]
    )
    db.session.commit()
    corrected = [Row("2026-04", "Drugs", points[WARDS[2]])]
    import_policeuk_files([write_street_file(tmp_path / "april-again.csv", corrected)])
    db.session.commit()

    assert stored_counts(db) == Counter(
        {(date(2026, 4, 1), WARDS[2], "Drugs"): 1, (date(2026, 5, 1), WARDS[1], ASB): 2}
    )
    assert db.session.get(RecordedMonth, date(2026, 4, 1)).files == "april-again.csv"


def test_another_forces_file_alone_does_not_wipe_the_month(db, app_ctx, tmp_path):
    points = label_points(WARDS)
    import_policeuk_files([write_street_file(tmp_path / "ours.csv", [Row("2026-04", ASB, points[WARDS[0]])])])
    db.session.commit()
    theirs = write_street_file(tmp_path / "durham.csv", [Row("2026-04", ASB, points[WARDS[0]], force=DURHAM)])

    (tally,) = import_policeuk_files([theirs])
    db.session.commit()

    assert "nothing stored, no row falls within Cleveland Police" in tally.summary()
    assert stored_counts(db) == Counter({(date(2026, 4, 1), WARDS[0], ASB): 1})


def test_a_bad_file_is_refused_naming_file_line_and_column_and_nothing_is_stored(db, app_ctx, tmp_path):
    points = label_points(WARDS)
    good = write_street_file(tmp_path / "good.csv", [Row("2026-04", ASB, points[WARDS[0]])])
    bad = write_street_file(tmp_path / "bad.csv", [Row("2026-05", ASB, points[WARDS[0]])] * 3)
    lines = bad.read_bytes().decode().split("\r\n")
    lines[2] = lines[2].replace(f"{points[WARDS[0]][0]:.6f}", "west")
    lines[3] = lines[3].replace("2026-05", "May 2026")
    bad.write_bytes("\r\n".join(lines).encode())

    with pytest.raises(PoliceUkFileRefused) as refused:
        import_policeuk_files([good, bad])

    assert refused.value.problems == [
        "bad.csv, line 3, column Longitude: 'west' is not a number",
        "bad.csv, line 4, column Month: 'May 2026' is not a month as police.uk writes it (YYYY-MM)",
    ]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecordedMonth)) == 0


def test_a_file_with_another_header_is_refused_naming_the_column(app_ctx, tmp_path):
    outcomes = tmp_path / "2026-04-cleveland-outcomes.csv"
    outcomes.write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\r\n"
    )

    with pytest.raises(PoliceUkFileRefused) as refused:
        import_policeuk_files([outcomes])

    (problem,) = refused.value.problems
    assert problem.startswith("2026-04-cleveland-outcomes.csv, line 1, column 10: 'Outcome type' where")
    assert "'Crime type'" in problem


def test_the_command_prints_each_month_and_is_audited(db, runner, two_months):
    files, expected = two_months
    result = runner.invoke(args=["records", "import-policeuk", *map(str, files)])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "April 2026: 60 stored in 3 wards; left out 1 from another force, 1 outside the area, 1 with no position",
        "May 2026: 60 stored in 3 wards; left out 1 from another force, 1 outside the area, 1 with no position",
    ]
    assert stored_counts(db) == expected
    actors = db.session.scalars(
        sa.select(AuditEvent.actor).where(AuditEvent.entity == "recorded_month", AuditEvent.action == "create")
    ).all()
    assert len(actors) == 2 and all(a.startswith("cli:") for a in actors)


def test_the_command_refuses_a_bad_file_and_a_dry_run_stores_nothing(db, runner, two_months, tmp_path):
    files, _ = two_months
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    refused = runner.invoke(args=["records", "import-policeuk", str(files[0]), str(empty)])
    assert refused.exit_code == 2
    assert "nothing imported" in refused.output and "empty.csv: the file is empty" in refused.output

    dry = runner.invoke(args=["records", "import-policeuk", "--dry-run", *map(str, files)])
    assert dry.exit_code == 0 and dry.output.startswith("Dry run, nothing stored.")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecordedMonth)) == 0


def test_a_short_header_names_the_first_missing_column(app_ctx, tmp_path):
    short = tmp_path / "short.csv"
    short.write_text("Crime ID,Month\nabc,2026-01\n")

    with pytest.raises(PoliceUkFileRefused) as refused:
        import_policeuk_files([short])

    assert refused.value.problems[0].startswith("short.csv, line 1, column 3: no 'Reported by'")
