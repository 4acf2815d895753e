"""`flask maps check-rollups` / `flask maps rebuild-rollups`: the map rollup tables
against the concerns and meetings they summarise (engage/maps/rollup_check.py);
`flask maps basemap FILE`: the offline base map (engage/maps/basemap.py)."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from engage.maps import basemap, rollup_check

maps_cli = AppGroup("maps", help="The map rollup tables (check, rebuild) and the offline base map.")


def _print_check(report: rollup_check.RollupCheck):
    if report.missing_triggers:
        click.echo(f"Missing triggers: {', '.join(report.missing_triggers)}")
    if report.disabled_triggers:
        click.echo(f"Disabled triggers: {', '.join(report.disabled_triggers)}")
    if report.triggers_ok:
        click.echo("Triggers: all in place.")
    else:
        click.echo(_trigger_advice(report.missing_triggers, report.disabled_triggers, report.schema_behind))
    for table in report.tables:
        if table.differing_keys == 0:
            click.echo(f"{table.table}: {table.stored_rows:,} rows, all agree with the direct counts.")
            continue
        click.echo(
            f"{table.table}: {table.stored_rows:,} rows, {table.differing_keys:,} keys differ "
            f"from the direct counts, e.g.:"
        )
        for difference in table.examples:
            click.echo(f"  {difference.describe()}")


def _trigger_advice(missing, disabled, schema_behind) -> str:
    """What the operator should do about missing or disabled rollup triggers."""
    lines = []
    if disabled:
        lines.append(
            "Enable the disabled ones (ALTER TABLE table ENABLE TRIGGER name), then "
            "`flask --app engage maps rebuild-rollups`."
        )
    if missing and schema_behind:
        lines.append(
            "The database is behind the migrations: run `flask --app engage db upgrade` "
            "(it creates the triggers and fills the rollups), then `flask --app engage maps check-rollups`."
        )
    elif missing:
        lines.append(
            "The database is at the latest migration, so the triggers were dropped after migration 0007 "
            "created them (a SQLite table rebuild drops the table's triggers). Recreate them by running "
            "0007 again: `flask --app engage db downgrade 0006` then `flask --app engage db upgrade` "
            "(this drops and refills both rollup tables, with their triggers; read the downgrades of "
            "any later migrations first), then `flask --app engage maps check-rollups`."
        )
    return "\n".join(lines)


def _refusal(exc: rollup_check.RollupTriggersMissing) -> str:
    return (
        f"the map rollup triggers are not all working ({exc}): rows rebuilt now would go stale "
        f"with the next change, so nothing was written.\n"
        + _trigger_advice(exc.missing, exc.disabled, exc.schema_behind)
    )


@maps_cli.command("check-rollups")
def check_rollups_command():
    """Compare the rollup tables with counts taken directly from the concerns and
    meetings, and check their triggers. Exit status 0 if all agree, 1 if not."""
    report = rollup_check.check()
    _print_check(report)
    if report.ok:
        click.echo("The map rollups agree with the concerns and meetings.")
        return
    if report.triggers_ok:
        click.echo("Run `flask --app engage maps rebuild-rollups` to rebuild them.")
    sys.exit(1)


@maps_cli.command("rebuild-rollups")
@click.option("--dry-run", is_flag=True, help="Report what differs and what would be written; change nothing.")
def rebuild_rollups_command(dry_run):
    """Empty both rollup tables and refill them from the concerns and meetings, in one
    transaction (writes to concerns and meetings wait meanwhile). Refused, exit status 2,
    if a rollup trigger is missing or disabled."""
    try:
        report = rollup_check.rebuild(dry_run=dry_run)
    except rollup_check.RollupTriggersMissing as exc:
        click.echo(f"Error: {_refusal(exc)}", err=True)
        sys.exit(2)
    if report.before is not None:
        _print_check(report.before)
    counts = ", ".join(
        f"{report.rows_written[t]:,} {t} rows (replacing {report.rows_deleted[t]:,})" for t in report.rows_written
    )
    if dry_run:
        click.echo(f"Dry run: a rebuild would write {counts}. Rolled back: nothing changed.")
    else:
        click.echo(f"Rebuilt the map rollups: wrote {counts}.")


@maps_cli.command("basemap")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--attribution",
    help="Credit to show on the maps, if the archive's own is wrong or missing (default: the archive's, else \"© OpenStreetMap contributors\").",
)
@click.option(
    "--remove", is_flag=True, help="Remove the installed base map: the maps go back to outlines (or ENGAGE_TILE_URL)."
)
def basemap_command(file, attribution, remove):
    """Install FILE, a PMTiles or MBTiles archive of the area (e.g. an OpenStreetMap extract
    of the four authorities, docs/deployment.md), as the maps' base map: it is checked, kept
    in the instance folder in place of any earlier one, and served by the app itself. With
    no FILE, say which base map is installed. Exit status 2 if FILE cannot be used."""
    instance = current_app.instance_path
    if remove:
        removed = basemap.remove(instance)
        click.echo("Removed the base map." if removed else "No base map was installed.")
        return
    if file is None:
        described = basemap.describe(instance)
        if described is None:
            click.echo(
                "No base map is installed: the maps show ward outlines only. Install one with `flask --app engage maps basemap FILE`."
            )
            return
        source = basemap.installed_from(instance)
        click.echo(f"Base map: {described.describe()}")
        if source:
            click.echo(f"Installed from {source.get('source')} at {source.get('installed_at')}.")
        return
    try:
        described, warnings = basemap.install(file, instance, attribution)
    except basemap.BasemapError as exc:
        click.echo(f"Error: {exc} Nothing was changed.", err=True)
        sys.exit(2)
    click.echo(f"Installed the base map in {basemap.archive_path(instance)}: {described.describe()}")
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)
