import pytest

from geodata import BoundaryFileError, recognise_columns


def test_ons_columns_any_year_and_case():
    assert recognise_columns(["FID", "WD23CD", "WD23NM", "LAD23CD", "LAD23NM"]) == {
        "ward_code": "WD23CD",
        "ward_name": "WD23NM",
        "lad_code": "LAD23CD",
        "lad_name": "LAD23NM",
    }
    assert recognise_columns(["wd18cd", "wd18nm", "lad18cd", "lad18nm"]) == {
        "ward_code": "wd18cd",
        "ward_name": "wd18nm",
        "lad_code": "lad18cd",
        "lad_name": "lad18nm",
    }


def test_shared_file_columns_any_case():
    assert recognise_columns(["Ward_Code", "WARD_NAME", "lad_code", "vintage"]) == {
        "ward_code": "Ward_Code",
        "ward_name": "WARD_NAME",
        "lad_code": "lad_code",
        "lad_name": None,
    }


def test_lad_columns_are_optional():
    columns = recognise_columns(["WD19CD", "WD19NM"])
    assert columns["lad_code"] is None and columns["lad_name"] is None


def test_welsh_name_column_ignored():
    columns = recognise_columns(["WD18CD", "WD18NMW", "WD18NM", "LAD18NMW"])
    assert columns["ward_name"] == "WD18NM"
    assert columns["lad_name"] is None


def test_only_welsh_names_is_no_name_column():
    with pytest.raises(BoundaryFileError, match="no ward name column") as error:
        recognise_columns(["WD18CD", "WD18NMW"])
    assert "found columns: WD18CD, WD18NMW" in str(error.value)


def test_no_ward_code_column_lists_columns():
    with pytest.raises(BoundaryFileError) as error:
        recognise_columns(["a", "b", "c"])
    message = str(error.value)
    assert "no ward code column" in message
    assert "found columns: a, b, c" in message


def test_several_ward_code_years_named():
    with pytest.raises(BoundaryFileError) as error:
        recognise_columns(["WD18CD", "WD19CD", "WD18NM"])
    assert "WD18CD" in str(error.value) and "WD19CD" in str(error.value)


def test_lad_year_matching_ward_year_preferred():
    columns = recognise_columns(["WD19CD", "WD19NM", "LAD18CD", "LAD19CD"])
    assert columns["lad_code"] == "LAD19CD"


def test_name_year_matching_ward_year_preferred():
    assert recognise_columns(["WD18CD", "WD19NM", "WD18NM"])["ward_name"] == "WD18NM"


def test_ambiguous_name_columns_named():
    with pytest.raises(BoundaryFileError, match="several ward name columns found: WD19NM, WD20NM"):
        recognise_columns(["WD18CD", "WD19NM", "WD20NM"])
