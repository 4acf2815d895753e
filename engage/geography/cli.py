"""Command-line interface: thin wrappers over the same services the web pages call."""

import csv
import gc
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from engage.extensions import db
from engage.geography.boundaries import (
    BoundaryImportError,
    boundary_set_for,
    ensure_default_boundaries,
    import_boundary_file,
)
from engage.geography.designations import import_designations
from engage.geography.locating import (
    LocateCsvError,
    locate_csv,
    locate_grid_reference,
    locate_lonlat,
    locator_for,
)
from engage.geography.register import register_entries
from engage.platform.csv_cli import import_or_exit
from geodata import CLEVELAND_LADS, CoordinateError, GridRefError, bng_to_wgs84

wards_cli = AppGroup("wards", help="The ward register: boundary sets, listing and locating.")

designations_cli = AppGroup("designations", help="Strengthen / Support / Sustain designations.")


def _fail(message: str, code: int = 2):
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _boundary_set(vintage):
    boundary_set = boundary_set_for(vintage)
    if boundary_set is None:
        _fail(
            f"no boundary set with vintage '{vintage}'"
            if vintage
            else "no boundary set imported yet: run `flask --app engage wards import PATH`"
        )
    return boundary_set


@wards_cli.command("import")
@click.argument("path")
@click.option("--vintage", help="Name of the boundary set, e.g. 2018-12 (read from the file when it says).")
@click.option(
    "--authorities",
    default=",".join(CLEVELAND_LADS),
    show_default=True,
    help="Comma-separated LAD codes to keep, or 'all'.",
)
@click.option("--make-current", is_flag=True, help="Make this the current boundary set.")
@click.option("--attribution", help="Licence attribution to show with the boundaries.")
@click.option("--dry-run", is_flag=True, help="Check the file and say what would happen; store nothing.")
def import_command(path, vintage, authorities, make_current, attribution, dry_run):
    """Import a ward boundary file (GeoJSON, Shapefile, GeoPackage or zipped Shapefile)."""
    keep = (
        None
        if authorities.strip().lower() == "all"
        else tuple(a.strip().upper() for a in authorities.split(",") if a.strip())
    )
    try:
        result = import_boundary_file(
            path, vintage=vintage, authorities=keep, make_current=make_current, attribution=attribution
        )
    except BoundaryImportError as exc:
        db.session.rollback()
        _fail(str(exc))
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run, nothing stored: " + result.summary())
        return
    db.session.commit()
    click.echo(result.summary())


@wards_cli.command("import-default")
def import_default_command():
    """Import the default boundary set if the database has none (used by `make run`)."""
    try:
        result = ensure_default_boundaries(
            current_app.config["ENGAGE_GEODATA_DIR"], current_app.config["ENGAGE_DEFAULT_BOUNDARIES"]
        )
    except BoundaryImportError as exc:
        db.session.rollback()
        _fail(str(exc))
    db.session.commit()
    if result:
        click.echo(result.summary())


@wards_cli.command("list")
@click.option("--vintage", help="Boundary set to list (default: the current one).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
def list_command(vintage, fmt):
    """List the wards with their authority and designation."""
    rows = [e.as_row() for e in register_entries(_boundary_set(vintage))]
    columns = ["ward_code", "ward_name", "lad_code", "lad_name", "designation"]
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    widths = {c: max([len(c)] + [len(r[c]) for r in rows]) for c in columns}
    click.echo("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
    for r in rows:
        click.echo("  ".join(r[c].ljust(widths[c]) for c in columns).rstrip())
    click.echo(f"{len(rows)} wards")


@wards_cli.command("locate", context_settings={"ignore_unknown_options": True})
@click.argument("lon", required=False)
@click.argument("lat", required=False)
@click.option("--grid", help='An OS grid reference, e.g. "NZ 4966 1942".')
@click.option("--easting", type=float, help="British National Grid easting (with --northing).")
@click.option("--northing", type=float, help="British National Grid northing (with --easting).")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False),
    help="CSV file with lon,lat columns; writes it to stdout with ward_code appended.",
)
@click.option("--vintage", help="Boundary set to locate in (default: the current one).")
def locate_command(lon, lat, grid, easting, northing, csv_path, vintage):
    """Print WARD_CODE<TAB>WARD_NAME<TAB>LAD_NAME for a point, or `outside` (exit 1)."""
    boundary_set = _boundary_set(vintage)
    if csv_path:
        # The app's own objects (modules, models, the locator) live until the command
        # exits: frozen, they are not walked again by each collection that the shapely
        # points of a chunk set off (0.2 s of 1.7 s at 100,000 points).
        gc.freeze()
        try:
            with open(csv_path, newline="", encoding="utf-8-sig") as fh:
                counts = locate_csv(boundary_set, fh, sys.stdout)
        except FileNotFoundError:
            _fail(f"no such file: {csv_path}")
        except UnicodeDecodeError as exc:
            _fail(f"{csv_path}: not UTF-8 text ({exc.reason})")
        except LocateCsvError as exc:
            _fail(f"{csv_path}: {exc}")
        finally:
            gc.unfreeze()
        click.echo(
            f"{counts['rows']} rows: {counts['located']} located, {counts['outside']} outside, "
            f"{counts['invalid']} without valid lon/lat",
            err=True,
        )
        return
    try:
        if grid is not None:
            found = locate_grid_reference(boundary_set, grid)
        elif easting is not None or northing is not None:
            if easting is None or northing is None:
                _fail("give both --easting and --northing")
            found = locator_for(boundary_set).ward_at(*bng_to_wgs84(easting, northing))
        elif lon is not None and lat is not None:
            found = locate_lonlat(boundary_set, lon, lat)
        else:
            _fail("give LON LAT, --grid REF, --easting E --northing N, or --csv FILE")
    except (CoordinateError, GridRefError) as exc:
        _fail(str(exc))
    if found is None:
        click.echo("outside")
        sys.exit(1)
    click.echo(f"{found.ward_code}\t{found.ward_name}\t{found.lad_name}")


@designations_cli.command("import")
@click.argument("path")
@click.option("--vintage", help="Boundary set whose ward codes the file uses (default: current).")
@click.option("--sample", is_flag=True, help="Mark these designations as sample data, never shown as real.")
def designations_import_command(path, vintage, sample):
    """Import designations from CSV with columns ward_code,designation,effective_from."""
    boundary_set = _boundary_set(vintage)
    result = import_or_exit(path, lambda: import_designations(path, boundary_set, sample=sample))
    click.echo(result.summary())
