from datetime import date

import pytest
import sqlalchemy as sa

from engage.geography.boundaries import current_boundary_set
from engage.geography.designations import DesignationImportError, import_designations
from engage.geography.models import WardDesignation
from engage.geography.register import register_entries


def write_csv(tmp_path, text, name="designations.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def entry(code):
    return next(e for e in register_entries(current_boundary_set()) if e.ward.code == code)


def test_designations_are_imported_and_history_is_kept(db, tmp_path):
    path = write_csv(
        tmp_path,
        "ward_code,designation,effective_from\nE05009857,strengthen,2017-04-01\nE05009868,Sustain,2017-04-01\n",
    )
    result = import_designations(path, current_boundary_set())
    assert result.created == 2
    later = write_csv(tmp_path, "ward_code,designation,effective_from\nE05009857,support,2019-04-01\n", "later.csv")
    import_designations(later, current_boundary_set())

    central = entry("E05009857")
    assert central.designation == "support" and central.designation_from == date(2019, 4, 1)
    assert [d.designation for d in central.ward.designations] == ["strengthen", "support"]
    # On a date before the change, the earlier designation was in force.
    assert central.ward.designation_on(date(2018, 6, 1)).designation == "strengthen"
    assert entry("E05009868").designation == "sustain"


def test_reimporting_the_same_file_changes_nothing(db, tmp_path):
    path = write_csv(tmp_path, "ward_code,designation,effective_from\nE05009857,strengthen,2017-04-01\n")
    import_designations(path, current_boundary_set())
    again = import_designations(path, current_boundary_set())
    assert (again.created, again.changed, again.unchanged) == (0, 0, 1)


def test_sample_designations_are_marked(db, tmp_path):
    path = write_csv(tmp_path, "ward_code,designation,effective_from\nE05009857,strengthen,2017-04-01\n")
    import_designations(path, current_boundary_set(), sample=True)
    assert entry("E05009857").designation_is_sample


def test_bad_rows_are_reported_by_row_number_and_nothing_is_stored(db, tmp_path):
    path = write_csv(
        tmp_path,
        "ward_code,designation,effective_from\n"
        "E05009857,strengthen,2017-04-01\n"
        "E05000000,support,2017-04-01\n"
        "E05009868,maintain,2017-04-01\n"
        "E05009868,support,first of April\n",
    )
    with pytest.raises(DesignationImportError) as excinfo:
        import_designations(path, current_boundary_set())
    problems = excinfo.value.problems
    assert problems[0].startswith("row 3:") and "E05000000" in problems[0]
    assert problems[1].startswith("row 4:") and "maintain" in problems[1]
    assert problems[2].startswith("row 5:") and "first of April" in problems[2]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WardDesignation)) == 0


def test_missing_columns_are_named(db, tmp_path):
    path = write_csv(tmp_path, "code,designation\nE05009857,strengthen\n")
    with pytest.raises(DesignationImportError, match="missing column ward_code, effective_from"):
        import_designations(path, current_boundary_set())
