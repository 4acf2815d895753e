"""Teams from CSV (all or nothing, idempotent, row numbers in the problems) and the
checks the admin form shares with it."""

import pytest
import sqlalchemy as sa

from engage.platform.audit import AuditEvent
from engage.teams.models import Team
from engage.teams.services import (
    Geography,
    TeamImportError,
    TeamSpec,
    check_team,
    coverage_summary,
    import_teams,
)

HEADER = "code,name,kind,lad_code,contact_email,coverage,wards\n"
GOOD = HEADER + (
    "INT-HPL-N,Hartlepool North,int,E06000001,north@example.org,wards,E05008942;E05008943; E05008944\n"
    "CFB,Cleveland Fire Brigade,partner,,Fire@Example.org,all,\n"
    "ENV-RC,Redcar Environment,Partner,E06000003,env@example.org,authority,\n"
)


def _write(tmp_path, text, name="teams.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _teams(db):
    return {t.code: t for t in db.session.scalars(sa.select(Team))}


def test_import_creates_then_changes_nothing(db, tmp_path):
    path = _write(tmp_path, GOOD)
    first = import_teams(path)
    db.session.commit()
    assert sorted(first.created) == ["CFB", "ENV-RC", "INT-HPL-N"] and not first.updated
    teams = _teams(db)
    assert [w.code for w in teams["INT-HPL-N"].wards] == ["E05008942", "E05008943", "E05008944"]
    assert teams["CFB"].contact_email == "fire@example.org" and teams["CFB"].coverage == "all"
    assert coverage_summary(teams["ENV-RC"]) == "all of Redcar and Cleveland"
    assert coverage_summary(teams["INT-HPL-N"]) == "3 wards"
    assert coverage_summary(teams["CFB"]) == "all of Cleveland"

    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    again = import_teams(path)
    db.session.commit()
    assert sorted(again.unchanged) == ["CFB", "ENV-RC", "INT-HPL-N"] and not again.created and not again.updated
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events


def test_import_updates_by_code_when_different(db, tmp_path):
    import_teams(_write(tmp_path, GOOD))
    db.session.commit()
    changed = GOOD.replace("E05008942;E05008943; E05008944", "E05008942").replace("Redcar Environment", "RCBC Env")
    result = import_teams(_write(tmp_path, changed, "changed.csv"))
    db.session.commit()
    assert sorted(result.updated) == ["ENV-RC", "INT-HPL-N"] and result.unchanged == ["CFB"]
    teams = _teams(db)
    assert [w.code for w in teams["INT-HPL-N"].wards] == ["E05008942"] and teams["ENV-RC"].name == "RCBC Env"


def test_bad_rows_are_all_reported_with_row_numbers_and_nothing_is_stored(db, tmp_path):
    bad = HEADER + (
        "OK-1,Fine,int,E06000001,ok@example.org,wards,E05008942\n"
        "BAD-2,Unknown ward,int,E06000001,a@example.org,wards,E05008942;E05999999\n"
        "BAD-3,Unknown lad,partner,E09999999,a@example.org,authority,\n"
        "BAD-4,Bad kind,agency,,a@example.org,everywhere,\n"
        "BAD-5,Bad email,partner,,not an email,all,\n"
        "OK-1,Twice,partner,,,all,\n"
    )
    with pytest.raises(TeamImportError) as caught:
        import_teams(_write(tmp_path, bad))
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["row 3", "row 4", "row 5", "row 6", "row 7"]
    assert "E05999999" in problems[0]
    assert "E09999999" in problems[1]
    assert "agency" in problems[2] and "everywhere" in problems[2]
    assert "not an email" in problems[3]
    assert "also on row 2" in problems[4]
    assert not _teams(db)


def test_missing_columns_and_empty_files(db, tmp_path):
    with pytest.raises(TeamImportError, match="missing column wards"):
        import_teams(_write(tmp_path, "code,name,kind,lad_code,contact_email,coverage\n"))
    with pytest.raises(TeamImportError, match="no rows"):
        import_teams(_write(tmp_path, HEADER))
    with pytest.raises(TeamImportError, match="no such file"):
        import_teams(str(tmp_path / "nope.csv"))


def test_dry_run_stores_nothing(db, tmp_path):
    result = import_teams(_write(tmp_path, GOOD), dry_run=True)
    assert len(result.created) == 3 and "Dry run, nothing stored" in result.summary()
    db.session.commit()
    assert not _teams(db)


def test_an_import_makes_a_sample_team_real(db, tmp_path):
    from engage.demo.services import load_demo_teams

    load_demo_teams()
    db.session.commit()
    result = import_teams(
        _write(tmp_path, HEADER + "CFB,Cleveland Fire Brigade,partner,,community-safety@example.org,all,\n")
    )
    db.session.commit()
    assert result.updated == ["CFB"] and not _teams(db)["CFB"].is_demo


def test_check_team(db):
    geography = Geography.current()
    assert check_team(TeamSpec("INT-X", "X", "int", "E06000002", "", "wards", ("E05009857",)), geography) == {}
    problems = check_team(TeamSpec("bad code!", " ", "int", "", "x@", "authority"), geography)
    assert set(problems) == {"code", "name", "contact_email", "local_authority"}


# ---- notify_mode ---------------------------------------------------------------


def test_notify_mode_column_is_optional_and_defaults_to_immediate(db, tmp_path):
    with_mode = (
        HEADER.strip() + ",notify_mode\n"
        "INT-HPL-N,Hartlepool North,int,E06000001,north@example.org,wards,E05008942,Digest\n"
        "CFB,Cleveland Fire Brigade,partner,,fire@example.org,all,,\n"
    )
    import_teams(_write(tmp_path, with_mode))
    db.session.commit()
    teams = _teams(db)
    assert (teams["INT-HPL-N"].notify_mode, teams["CFB"].notify_mode) == ("digest", "immediate")
    # A file without the column leaves what an admin chose; a new team gets immediate.
    without = HEADER + (
        "INT-HPL-N,Hartlepool North,int,E06000001,north@example.org,wards,E05008942\n"
        "ENV-RC,Redcar Environment,partner,E06000003,env@example.org,authority,\n"
    )
    result = import_teams(_write(tmp_path, without, "without.csv"))
    db.session.commit()
    assert result.unchanged == ["INT-HPL-N"] and result.created == ["ENV-RC"]
    teams = _teams(db)
    assert (teams["INT-HPL-N"].notify_mode, teams["ENV-RC"].notify_mode) == ("digest", "immediate")
    back = import_teams(_write(tmp_path, with_mode.replace(",Digest", ",immediate"), "back.csv"))
    assert back.updated == ["INT-HPL-N"]


def test_an_unknown_notify_mode_is_refused(db, tmp_path):
    text = HEADER.strip() + ",notify_mode\nCFB,Cleveland Fire Brigade,partner,,fire@example.org,all,,weekly\n"
    with pytest.raises(TeamImportError) as error:
        import_teams(_write(tmp_path, text))
    assert error.value.problems == ["row 2: notify_mode: Unknown notify mode 'weekly' (expected immediate or digest)"]
