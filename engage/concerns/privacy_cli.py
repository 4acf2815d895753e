"""`flask purge` and `flask subject-access`: residents' personal data."""

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from engage.accounts.cli import cli_actor
from engage.concerns.privacy import purge_contact_details, subject_access
from engage.extensions import db


@click.command("purge")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Say what would be emptied, change nothing.")
@click.option("--older-than-days", type=int, help="Default: ENGAGE_CONTACT_RETENTION_DAYS.")
def purge_command(dry_run, older_than_days):
    """Empty residents' contact details older than the retention period (concerns are kept)."""
    days = older_than_days if older_than_days is not None else current_app.config["ENGAGE_CONTACT_RETENTION_DAYS"]
    if days < 0:
        click.echo("Error: --older-than-days cannot be negative", err=True)
        sys.exit(2)
    with cli_actor():
        result = purge_contact_details(days, dry_run=dry_run)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    click.echo(result.summary())


@click.command("subject-access")
@with_appcontext
@click.option("--name", help="The resident's name (or part of it).")
@click.option("--contact", help="Their phone number, e-mail or address (or part of it).")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write JSON here (default: stdout).")
def subject_access_command(name, contact, out):
    """Everything held about one resident, as JSON, for a subject access request."""
    try:
        data = subject_access(name, contact)
    except ValueError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"Wrote {out}: {len(data['concerns'])} concerns.", err=True)
    else:
        click.echo(text)
