"""`flask section59 import FILE`: the Section 59 register from a CSV file, all or nothing
(engage/records/section59_import.py). The command is its own object too, so the
`records` group can carry it as `flask records import-section59` once that group exists."""

import getpass
from datetime import date

import click
from flask.cli import AppGroup

from engage.platform.csv_cli import import_or_exit
from engage.records.section59_import import import_section59_file

section59_cli = AppGroup("section59", help="The Section 59 register of warnings and seizures.")


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


section59_cli.add_command(import_section59_command, "import")
