"""`flask import meetings FILE`: the historical meetings, a thin wrapper over
engage.concerns.import_meetings."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from engage.accounts.cli import cli_actor
from engage.concerns.import_meetings import (
    ImportFileError,
    plan_import,
    read_rows,
    run_import,
    write_rejects,
)
from engage.extensions import db

import_cli = AppGroup("import", help="Import historical records from spreadsheets.")


def default_rejects_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejected.csv")


@import_cli.command("meetings")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would be imported; write nothing.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the valid rows and write the invalid ones (with a reason) to the rejects file.",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where --skip-invalid writes the rejected rows (default: FILE's name with .rejected.csv).",
)
def meetings_command(path, dry_run, skip_invalid, rejects):
    """Import past meetings (and the concerns raised at them) from CSV or XLSX.

    Columns (any case, common aliases accepted): date, ward (code or name), venue,
    attendance, notes, kind; optionally category, concern and status, one row per
    concern. Rows with the same date, ward and venue are one meeting. The file is
    imported wholly or not at all unless --skip-invalid is given; importing it again
    creates nothing.
    """
    try:
        table = read_rows(path)
    except ImportFileError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    plan = plan_import(table, source=path.name)
    if plan.file_problems:
        click.echo(f"Error: {path.name}: nothing imported.", err=True)
        for problem in plan.file_problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    if plan.ignored_columns:
        click.echo(f"Ignored columns: {', '.join(plan.ignored_columns)}")
    click.echo(f"{path.name}: {plan.summary()}")
    if plan.problems:
        click.echo(f"Invalid rows ({len(plan.rejected_rows)}):", err=True)
        for problem in plan.problems:
            click.echo(f"  {problem}", err=True)
    rejects = rejects or default_rejects_path(path)

    if dry_run:
        if plan.problems and skip_invalid:
            click.echo(
                f"Dry run: nothing written. Without --dry-run the valid rows would be imported and "
                f"{len(plan.rejected_rows)} rows written to {rejects}."
            )
        elif plan.problems:
            click.echo("Dry run: nothing written. As it is, the file would not be imported (see above).")
        else:
            click.echo("Dry run: nothing written.")
        sys.exit(1 if plan.problems and not skip_invalid else 0)

    if plan.problems and not skip_invalid:
        click.echo(
            f"Nothing imported: correct these rows, or give --skip-invalid to import the "
            f"{len(plan.rows) - len(plan.rejected_rows)} valid rows and write the others to {rejects}.",
            err=True,
        )
        sys.exit(1)

    with cli_actor():
        result = run_import(plan, skip_invalid=skip_invalid, actor=f"import {path.name}")
        db.session.commit()
    if plan.problems:
        with open(rejects, "w", newline="", encoding="utf-8") as out:
            count = write_rejects(plan, out)
        click.echo(f"Wrote {count} rejected rows, with the reason for each, to {rejects}.")
    click.echo(result.summary())
