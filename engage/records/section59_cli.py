"""`flask records import-section59 FILE`: the Section 59 register from a CSV file, all or
nothing (engage/records/section59_import.py). Kept apart from the police.uk commands in
records/cli.py; create_app adds it to their `records` group."""

import getpass
from datetime import date

import click

from engage.platform.csv_cli import import_or_exit
from engage.records.section59_import import import_section59_file


@click.command("import-section59")
@click.argument("path")
@click.option("--dry-run", is_flag=True, help="Check the file and say what would be imported; store nothing.")
def import_section59_command(path, dry_run):
    """Import Section 59 warnings from a CSV file with columns reference, date, vehicle,
    outcome, place and grid_ref (or latitude and longitude). A reference already in the
    register is skipped; any wrong row refuses the whole file."""
    result = import_or_exit(
        path,
        lambda: import_section59_file(path, today=date.today(), actor=f"cli:{getpass.getuser()}", dry_run=dry_run),
        dry_run=dry_run,
    )
    click.echo(result.summary())
