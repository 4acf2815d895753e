"""`flask maps check-rollups` / `flask maps rebuild-rollups`: the map rollup tables
against the concerns and meetings they summarise (engage/maps/rollup_check.py);
`flask maps basemap FILE`: the offline base map (engage/maps/basemap.py);
`flask maps export --out FILE.html`: a map to take away (engage/maps/export.py)."""

import getpass
import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from engage.accounts.models import User
from engage.accounts.policy import office_scope, scope_for
from engage.demo.source import default_source
from engage.extensions import db
from engage.geography.ward_names import resolve_ward
from engage.maps import basemap, rollup_check
from engage.platform.audit import cli_actor
from engage.platform.db import utcnow

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


@maps_cli.command("export")
@click.option("--ward", "ward_code", help="A ward's code (E05...) or name: that ward and the wards around it.")
@click.option("--authority", "lad", help="A local authority's code (E06...): its wards. Neither: all of Cleveland.")
@click.option("--from", "date_from", help="First day, e.g. 2026-06-01 (default: a year before --to).")
@click.option("--to", "date_to", help="Last day (default: today).")
@click.option("--category", help="A category's code, e.g. off_road_bikes.")
@click.option("--status", help="open, or one status (new, acknowledged, in_progress, action_taken, closed, no_action).")
@click.option("--designation", type=click.Choice(["strengthen", "support", "sustain"]))
@click.option("--source", type=click.Choice(["real", "demo"]), help="Real or demo concerns (default: as the map page).")
@click.option("--measure", type=click.Choice(["count", "per_meeting"]), default="count", show_default=True)
@click.option("--breaks", type=click.Choice(["quantiles", "jenks"]), default="quantiles", show_default=True)
@click.option("--include-texts", is_flag=True, help="Residents' words as markers (never contact details).")
@click.option(
    "--exact-positions", is_flag=True, help="With --include-texts: positions as recorded, not rounded to ~100 m."
)
@click.option("--as", "as_email", help="Make the file as this user would get it from the page (their scope).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The HTML file to write.")
def export_command(
    ward_code,
    lad,
    date_from,
    date_to,
    category,
    status,
    designation,
    source,
    measure,
    breaks,
    include_texts,
    exact_positions,
    as_email,
    out,
):
    """Write a map as one self-contained HTML file, the same file as "Download this map
    (HTML)" on /maps gives for the same filters: it opens with the network off."""
    made = _export(locals())
    click.echo(
        f"Wrote {out}: {made.title}, {len(made.html) / 1024:.0f} kB"
        + (f", {made.texts} concerns' words" if made.texts else "")
        + "."
    )


def _export(options: dict):
    # folium (and pandas under it) load for this command only, not for every `flask` run.
    from engage.maps.export import MapExportError, map_file, record_download, request_from_args

    args = {
        "from": options["date_from"],
        "to": options["date_to"],
        "category": options["category"],
        "status": options["status"],
        "designation": options["designation"],
        "lad": options["lad"],
        "measure": options["measure"],
        "breaks": options["breaks"],
        "texts": options["include_texts"],
        "exact": options["exact_positions"],
    }
    if options["source"]:
        args["source"] = options["source"]
    if options["ward_code"]:
        found = resolve_ward(options["ward_code"])
        if found.ward is None:
            raise click.ClickException(found.problem or f"no ward called {options['ward_code']!r}")
        args["ward"] = found.ward.code
    scope, made_by = office_scope(), f"cli:{getpass.getuser()}"
    if options["as_email"]:
        user = db.session.scalar(db.select(User).where(db.func.lower(User.email) == options["as_email"].lower()))
        if user is None:
            raise click.ClickException(f"no user with the e-mail address {options['as_email']}")
        scope, made_by = scope_for(user), user.email
    req = request_from_args({k: v for k, v in args.items() if v}, today=date.today(), default_source=default_source())
    try:
        made = map_file(
            req,
            scope,
            made_by=made_by,
            made_at=utcnow(),
            node_modules=current_app.config["ENGAGE_NODE_MODULES"],
            instance_path=current_app.instance_path,
        )
    except MapExportError as exc:
        raise click.ClickException(str(exc)) from None
    except LookupError:
        raise click.ClickException(f"ward {args.get('ward')} is not in the area of {made_by}") from None
    with open(options["out"], "w", encoding="utf-8") as out:
        out.write(made.html)
    with cli_actor():
        record_download(req, made)
        db.session.commit()
    return made
