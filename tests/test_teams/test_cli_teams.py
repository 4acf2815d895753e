"""`flask teams ...` and `flask demo ...` as a person types them."""

import sqlalchemy as sa

from engage.platform.audit import AuditEvent
from engage.teams.models import Team

CSV = (
    "code,name,kind,lad_code,contact_email,coverage,wards\n"
    "INT-HPL-N,Hartlepool North,int,E06000001,north@example.org,wards,E05008942;E05008943\n"
    "CFB,Cleveland Fire Brigade,partner,,fire@example.org,all,\n"
)


def _team_codes(db):
    return sorted(db.session.scalars(sa.select(Team.code)))


def test_teams_import_list_and_again(db, runner, tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text(CSV)
    result = runner.invoke(args=["teams", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Teams: 2 created, 0 updated, 0 unchanged."
    assert _team_codes(db) == ["CFB", "INT-HPL-N"]
    created = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity == "team")).all()
    assert len(created) == 2 and all(e.actor.startswith("cli:") for e in created)

    again = runner.invoke(args=["teams", "import", str(path)])
    assert again.output.strip() == "Teams: 0 created, 0 updated, 2 unchanged."

    listing = runner.invoke(args=["teams", "list"]).output.splitlines()
    assert listing[-1] == "2 teams"
    assert "INT-HPL-N\tint\tHartlepool North\t2 wards\t0 members" in listing
    assert "CFB\tpartner\tCleveland Fire Brigade\tall of Cleveland\t0 members" in listing


def test_teams_import_dry_run(db, runner, tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text(CSV)
    result = runner.invoke(args=["teams", "import", str(path), "--dry-run"])
    assert result.exit_code == 0
    assert result.output.strip() == "Dry run, nothing stored: teams that would be 2 created, 0 updated, 0 unchanged."
    assert _team_codes(db) == []


def test_teams_import_refuses_a_bad_file_whole(db, runner, tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text(CSV + "INT-X,X,int,E06000001,x@example.org,wards,E05000000\n")
    result = runner.invoke(args=["teams", "import", str(path)])
    assert result.exit_code == 2
    assert "nothing imported" in result.output and "row 4: wards: Unknown ward code 'E05000000'" in result.output
    assert _team_codes(db) == []


def test_demo_load_twice_and_clear(db, runner, team):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Sample teams: 10 created" in first.output and "Sample designations: 79 added" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "Sample teams: 0 created, 0 updated." in second.output and "79 already there" in second.output
    listing = runner.invoke(args=["teams", "list"]).output
    assert listing.count("\tsample") == 10 and listing.strip().endswith("11 teams")
    cleared = runner.invoke(args=["demo", "clear"])
    assert cleared.exit_code == 0 and "Sample teams: 10 removed." in cleared.output
    assert _team_codes(db) == ["INT-TEST"]
