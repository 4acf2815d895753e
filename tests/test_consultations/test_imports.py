"""A survey tool's export imported as responses (engage/consultations/imports.py and
`flask consultations import`): the columns mapped once and reused, one bad row refusing
the whole file with its row and column named, a re-import adding nothing, XLSX as CSV."""

from __future__ import annotations

import csv
import random
import string
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from engage.concerns.import_meetings import read_rows
from engage.consultations.imports import ColumnMapping, ImportRefused, guess_mapping, import_file
from engage.consultations.models import Consultation, ConsultationResponse
from engage.consultations.results import consultation_results
from engage.consultations.services import create_consultation
from engage.extensions import db
from tests.conftest import TODAY

PRIORITIES = ["Off-road bikes and quads", "Speeding", "Drugs", "Visible policing"]
HEADER = ["Respondent ID", "Start time", "Which ward do you live in?", "Your priorities", "Anything else?"]


def tag():
    return "".join(random.choices(string.ascii_lowercase, k=8))


@pytest.fixture
def consultation(app_ctx):
    made = create_consultation(
        title=f"Priorities {tag()}",
        opens_on=TODAY - timedelta(days=30),
        closes_on=TODAY + timedelta(days=10),
        options=PRIORITIES,
        today=TODAY - timedelta(days=31),
        actor="staff@example.org",
        threshold=2,
    )
    db.session.commit()
    return made


def survey_rows(n=40, prefix="R"):
    wards = ["Central", "E05009866", "North Ormesby ward", "Brotton"]
    rng = random.Random(n)
    return [
        [f"{prefix}{i}", "2026-06-01 10:00", wards[i % 4], "; ".join(rng.sample(PRIORITIES, 1 + i % 3)), ""]
        for i in range(1, n + 1)
    ]


def write_csv(path, rows, header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


MAPPING = ColumnMapping(
    ward="Which ward do you live in?", ref="Respondent ID", priorities="Your priorities", comment="Anything else?"
)


def count(consultation):
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ConsultationResponse)
        .where(ConsultationResponse.consultation_id == consultation.id)
    )


def test_forty_rows_import_once_and_again_add_nothing(consultation, tmp_path):
    path = write_csv(tmp_path / "survey.csv", survey_rows())
    plan, result = import_file(consultation, read_rows(path), MAPPING, today=TODAY, actor="staff@example.org")
    db.session.commit()
    assert result.summary() == "Imported 40 responses."
    assert count(consultation) == 40
    assert consultation_results(consultation).wards["E05009857"].responses == 10
    assert db.session.get(Consultation, consultation.id).import_mapping["ref"] == "Respondent ID"

    plan, result = import_file(consultation, read_rows(path), MAPPING, today=TODAY, actor="staff@example.org")
    assert (result.imported, result.already) == (0, 40) and count(consultation) == 40


def test_one_bad_row_imports_nothing_and_names_the_row_and_column(consultation, tmp_path):
    rows = survey_rows(5)
    rows[2][3] = "Drugs; Litter"
    rows[3][2] = "Atlantis"
    path = write_csv(tmp_path / "survey.csv", rows)
    with pytest.raises(ImportRefused) as refused:
        import_file(consultation, read_rows(path), MAPPING, today=TODAY, actor="staff@example.org")
    problems = refused.value.problems
    assert problems[0].startswith("row 4: Your priorities: “Litter” is not one of the priorities offered")
    assert problems[1].startswith("row 5: Which ward do you live in?: unknown ward 'Atlantis'")
    assert count(consultation) == 0


def test_too_many_priorities_and_a_repeated_id_are_row_errors(consultation, tmp_path):
    rows = survey_rows(3)
    rows[0][3] = "; ".join(PRIORITIES)
    rows[2][0] = rows[1][0]
    path = write_csv(tmp_path / "survey.csv", rows)
    with pytest.raises(ImportRefused) as refused:
        import_file(consultation, read_rows(path), MAPPING, today=TODAY, actor="staff@example.org")
    assert refused.value.problems == [
        "row 2: Your priorities: 4 priorities chosen: at most 3",
        "row 4: Respondent ID: response id “R2” is also on row 3",
    ]


def test_an_xlsx_with_a_column_per_priority(consultation, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Ward", *(f"Priority: {p}" for p in PRIORITIES)])
    sheet.append(["A1", "Central", "Yes", "", "yes", None])
    sheet.append(["A2", "Newport", None, "Speeding", "", "No"])
    sheet.append(["A3", "", "", "", "x", ""])  # no ward given: the whole area only
    path = tmp_path / "survey.xlsx"
    book.save(path)
    table = read_rows(path)
    mapping = guess_mapping(consultation, table.columns)
    assert mapping.ticks == {p: f"Priority: {p}" for p in PRIORITIES} and mapping.ward == "Ward" and mapping.ref == "ID"

    plan, result = import_file(consultation, table, mapping, today=TODAY, actor="staff@example.org")

    assert result.imported == 3
    results = consultation_results(consultation)
    assert results.without_ward == 1 and results.channels == {"import": 3}
    stored = ColumnMapping.from_json(db.session.get(Consultation, consultation.id).import_mapping)
    assert stored == mapping


def test_a_tick_that_is_not_one_is_named(consultation, tmp_path):
    path = write_csv(
        tmp_path / "s.csv", [["B1", "Central", "maybe", "Yes"]], header=["ID", "Ward", "Drugs", "Speeding"]
    )
    mapping = ColumnMapping(ward="Ward", ref="ID", ticks={"Drugs": "Drugs", "Speeding": "Speeding"})
    with pytest.raises(ImportRefused, match="row 2: Drugs: “maybe” is not a tick"):
        import_file(consultation, read_rows(path), mapping, today=TODAY, actor="staff@example.org")


def test_the_command_asks_for_the_columns_once_then_reuses_them(app, consultation, tmp_path):
    runner = app.test_cli_runner()
    path = write_csv(tmp_path / "survey.csv", survey_rows(6))
    first = runner.invoke(args=["consultations", "import", "--consultation", consultation.slug, str(path)])
    assert first.exit_code == 2 and "map the columns" in first.output and '--ref "Respondent ID"' in first.output
    mapped = runner.invoke(
        args=[
            "consultations", "import", "--consultation", consultation.slug, str(path),
            "--ward", "Which ward do you live in?", "--ref", "Respondent ID", "--priorities", "Your priorities",
        ]
    )  # fmt: skip
    assert mapped.exit_code == 0, mapped.output
    assert "Imported 6 responses." in mapped.output
    more = write_csv(tmp_path / "more.csv", survey_rows(8))
    again = runner.invoke(args=["consultations", "import", "--consultation", consultation.slug, str(more)])
    assert again.exit_code == 0 and "Imported 2 responses; 6 were already imported." in again.output
    bad = write_csv(tmp_path / "bad.csv", [["Z1", "", "Central", "Nothing", ""]])
    refused = runner.invoke(args=["consultations", "import", "--consultation", consultation.slug, str(bad)])
    assert refused.exit_code == 1 and "row 2: Your priorities: “Nothing” is not one of" in refused.output
    assert count(consultation) == 8
