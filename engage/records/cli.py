"""`flask records import-policeuk FILE...`: police.uk's street-level files as counts per
ward (engage/records/policeuk.py); `flask records demo`: a demo month to try the pages with."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from engage.extensions import db
from engage.platform.audit import cli_actor, current_actor
from engage.records.demo import clear_demo_months, load_demo_months
from engage.records.policeuk import HOME_FORCE, PoliceUkFileRefused, import_policeuk_files, read_policeuk_files

records_cli = AppGroup(
    "records", help="What was recorded: police.uk crime and ASB counts per ward, and the Section 59 register."
)


@records_cli.command("import-policeuk")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", "force", default=HOME_FORCE, show_default=True, help="The force whose rows are kept.")
@click.option("--dry-run", is_flag=True, help="Check and count the files; store nothing.")
def import_policeuk_command(paths, force, dry_run):
    """Import police.uk's monthly street-level CSV files (from data.police.uk/data/):
    each row located in the current wards and counted per month, ward and crime type.
    A month imported again replaces what was stored for it. Rows of another force,
    outside every ward or with no position are counted and left out. One bad file
    and nothing is stored."""
    with cli_actor():
        try:
            if dry_run:
                tallies = read_policeuk_files(paths, force)
            else:
                tallies = import_policeuk_files(paths, imported_by=current_actor()[1], force=force)
        except PoliceUkFileRefused as exc:
            db.session.rollback()
            click.echo("Error: nothing imported.", err=True)
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(2)
        db.session.commit()
    if dry_run:
        click.echo("Dry run, nothing stored. The files hold:")
    for tally in tallies:
        click.echo(tally.summary(force))


@records_cli.command("demo")
@click.option("--clear", is_flag=True, help="Remove the demo months instead.")
def demo_command(clear):
    """Add demo police.uk months (marked demo) for the twelve months before this one that
    hold nothing yet; `flask demo load` adds them too. Never touches a real month."""
    with cli_actor():
        lines = clear_demo_months() if clear else load_demo_months()
        db.session.commit()
    for line in lines:
        click.echo(line)
