"""`flask consultations import --consultation SLUG FILE`: a survey tool's export, a thin
wrapper over engage.consultations.imports (as the staff page is)."""

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from engage.concerns.import_meetings import ImportFileError, read_rows
from engage.consultations.imports import ColumnMapping, ImportRefused, check_mapping, guess_mapping, import_file
from engage.consultations.models import Consultation
from engage.extensions import db
from engage.platform.audit import cli_actor
from engage.platform.dates import office_day

consultations_cli = AppGroup("consultations", help="Priorities consultations: import a survey tool's responses.")


def _tick(value: str) -> tuple[str, str]:
    label, sep, column = value.partition("=")
    if not sep or not label.strip() or not column.strip():
        raise click.BadParameter(f'“{value}”: give PRIORITY=COLUMN, e.g. "Speeding=Q3 Speeding"')
    return label.strip(), column.strip()


@consultations_cli.command("import")
@click.option("--consultation", "slug", required=True, help="The consultation's short name (its /consult/ address).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ward", help="The column holding the ward's name or code.")
@click.option("--priorities", help='The column listing the priorities chosen ("Drugs; Speeding").')
@click.option("--tick", "ticks", multiple=True, help="PRIORITY=COLUMN, a column per priority holding a tick (repeat).")
@click.option("--comment", help="The column holding the comment (optional).")
@click.option("--ref", help="The column holding the survey tool's response id.")
@click.option("--dry-run", is_flag=True, help="Check the file and say what would be imported; write nothing.")
def import_command(slug, path, ward, priorities, ticks, comment, ref, dry_run):
    """Import responses from a survey tool's CSV or XLSX export, all or nothing.

    The columns are mapped once: the first import needs --ward, --ref and either
    --priorities or --tick; later imports of the same consultation reuse that mapping
    (any option given changes it). Rows whose response id was imported before are left
    as they are, so importing the same export again adds nothing."""
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        click.echo(f"Error: no consultation “{slug}”.", err=True)
        sys.exit(2)
    try:
        table = read_rows(path)
    except ImportFileError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    stored = ColumnMapping.from_json(consultation.import_mapping)
    given = any((ward, priorities, ticks, comment, ref))
    if stored is None and not given:
        guess = guess_mapping(consultation, table.columns)
        click.echo(f"Error: map the columns of {path.name} once for “{consultation.title}”.", err=True)
        click.echo(f"  Its columns: {', '.join(c for c in table.columns if c)}", err=True)
        click.echo(f"  Perhaps: {_options(guess)}", err=True)
        sys.exit(2)
    mapping = stored or ColumnMapping(ward="", ref="")
    mapping.ward, mapping.ref = ward or mapping.ward, ref or mapping.ref
    mapping.comment = comment if comment is not None else mapping.comment
    if priorities or ticks:
        mapping.priorities = priorities or ""
        mapping.ticks = dict(_tick(t) for t in ticks)
    wrong = check_mapping(mapping, consultation, table.columns)
    if wrong:
        click.echo(f"Error: {path.name}: nothing imported.", err=True)
        for problem in wrong.values():
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    today = office_day()
    try:
        with cli_actor():
            plan, result = import_file(
                consultation, table, mapping, today=today, actor=f"import {path.name}", dry_run=dry_run
            )
            db.session.commit()
    except ImportRefused as exc:
        db.session.rollback()
        click.echo(f"Error: {path.name}: nothing imported.", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    click.echo(f"{path.name}: {plan.summary()}")
    click.echo("Dry run: nothing written." if result is None else result.summary())


def _options(mapping: ColumnMapping) -> str:
    parts = [f'--ward "{mapping.ward or "?"}"', f'--ref "{mapping.ref or "?"}"']
    if mapping.ticks:
        parts += [f'--tick "{label}={column}"' for label, column in mapping.ticks.items()]
    else:
        parts.append(f'--priorities "{mapping.priorities or "?"}"')
    if mapping.comment:
        parts.append(f'--comment "{mapping.comment}"')
    return " ".join(parts)
