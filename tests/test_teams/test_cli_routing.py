"""`flask routing ...` and the sample rules through `flask demo ...`, as a person types them."""

import sqlalchemy as sa

from engage.platform.audit import AuditEvent
from engage.teams.models import RoutingRule
from tests.conftest import make_team

HEADER = "ward_code,lad_code,category,lead_team,copy_teams,priority,note\n"
CSV = HEADER + (",E06000003,fire_setting,,CFB,0,Joint patrols\nE05009857,,drugs,INT-TEST,,5,\n")


def _count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(RoutingRule))


def _partners(db):
    make_team("CFB", ward_codes=(), kind="partner", coverage="all")


def test_routing_import_list_and_again(db, runner, tmp_path, team):
    _partners(db)
    path = tmp_path / "rules.csv"
    path.write_text(CSV)
    result = runner.invoke(args=["routing", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Routing rules: 2 created, 0 updated, 0 unchanged.",
        "  created: row 2, row 3",
    ]
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity == "routing_rule")).all()
    assert len(events) == 2 and all(e.actor.startswith("cli:") for e in events)
    assert {r.edited_by for r in db.session.scalars(sa.select(RoutingRule))} == {events[0].actor}

    again = runner.invoke(args=["routing", "import", str(path)])
    assert again.output.strip() == "Routing rules: 0 created, 0 updated, 2 unchanged."

    listing = runner.invoke(args=["routing", "list"]).output.splitlines()
    assert listing[0].split("\t")[1:] == ["ward E05009857 Central", "drugs", "INT-TEST", "-", "priority 5"]
    assert listing[1].split("\t")[1:] == [
        "authority E06000003 Redcar and Cleveland",
        "fire_setting",
        "ward's INT",
        "CFB",
        "priority 0",
        "Joint patrols",
    ]
    assert listing[-1] == "2 rules (2 active)"

    exported = runner.invoke(args=["routing", "list", "--format", "csv"]).output
    assert exported.splitlines()[0] == HEADER.strip() and len(exported.splitlines()) == 3


def test_routing_import_dry_run(db, runner, tmp_path, team):
    _partners(db)
    path = tmp_path / "rules.csv"
    path.write_text(CSV)
    result = runner.invoke(args=["routing", "import", str(path), "--dry-run"])
    assert result.exit_code == 0
    assert (
        result.output.splitlines()[0]
        == "Dry run, nothing stored: routing rules that would be 2 created, 0 updated, 0 unchanged."
    )
    assert _count(db) == 0


def test_routing_import_refuses_a_bad_file_whole(db, runner, tmp_path, team):
    path = tmp_path / "rules.csv"
    path.write_text(CSV)  # CFB does not exist here
    result = runner.invoke(args=["routing", "import", str(path)])
    assert result.exit_code == 2
    assert "nothing imported" in result.output and "row 2: copy_teams: Unknown team 'CFB'" in result.output
    assert _count(db) == 0


def test_demo_load_and_clear_include_the_sample_rules(db, runner, tmp_path):
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    assert "Sample routing rules: 6 created, 0 updated." in loaded.output
    listing = runner.invoke(args=["routing", "list"]).output
    assert listing.count("\tsample") == 6

    # A real rule naming a sample team: clearing would break it, so it is refused.
    path = tmp_path / "rules.csv"
    path.write_text(HEADER + "E05009857,,drugs,INT-MBRO,,0,real rule naming a sample team\n")
    assert runner.invoke(args=["routing", "import", str(path)]).exit_code == 0
    refused = runner.invoke(args=["demo", "clear"])
    assert refused.exit_code == 2
    assert "real routing rules name sample teams" in refused.output and "Nothing was removed." in refused.output
    assert _count(db) == 7

    path.write_text(HEADER + 'E05009857,,drugs,,,0,"now the ward\'s INT, whichever it is"\n')
    assert runner.invoke(args=["routing", "import", str(path)]).exit_code == 0
    cleared = runner.invoke(args=["demo", "clear"])
    assert cleared.exit_code == 0, cleared.output
    assert "Sample routing rules: 6 removed." in cleared.output
    assert _count(db) == 1
