"""`flask teams ...`: teams from a CSV file, and a listing."""

import click
from flask.cli import AppGroup

from engage.platform.csv_cli import import_or_exit
from engage.teams.services import (
    coverage_summary,
    import_teams,
    list_teams,
    member_counts,
)

teams_cli = AppGroup("teams", help="Integrated Neighbourhood Teams and partner agencies.")


@teams_cli.command("import")
@click.argument("path")
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change; store nothing.")
def import_command(path, dry_run):
    """Create or update teams by code from CSV with columns
    code,name,kind,lad_code,contact_email,coverage,wards and optionally notify_mode.

    wards: ward codes separated by ';' (for coverage=wards). notify_mode: immediate
    (the default) or digest; without the column, existing teams keep theirs. Every
    row is checked first: if any is wrong, nothing is imported."""
    result = import_or_exit(path, lambda: import_teams(path, dry_run=dry_run), dry_run)
    click.echo(result.summary())


@teams_cli.command("list")
def list_command():
    """List teams: code, kind, name, coverage, members, then 'daily digest' for teams
    e-mailed once a day and 'sample' for demo teams."""
    counts = member_counts()
    teams = list_teams()
    for team in teams:
        digest = "\tdaily digest" if team.notify_mode == "digest" else ""
        sample = "\tsample" if team.is_demo else ""
        click.echo(
            f"{team.code}\t{team.kind}\t{team.name}\t{coverage_summary(team)}\t"
            f"{counts.get(team.id, 0)} members{digest}{sample}"
        )
    click.echo(f"{len(teams)} teams")
