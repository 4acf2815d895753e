"""`flask demo load` / `flask demo clear`: sample configuration to try the app with."""
import sys

import click
from flask.cli import AppGroup

from engage.cli_users import cli_actor
from engage.extensions import db
from engage.services.demo import DemoError, clear_demo, load_demo

demo_cli = AppGroup("demo", help="Sample teams, routing rules and designations, all marked as sample.")


@demo_cli.command("load")
def load_command():
    """Add the sample teams, routing rules and designations, and a year of demo
    meetings and concerns (again: changes nothing)."""
    with cli_actor():
        try:
            lines = load_demo()
        except DemoError as exc:
            db.session.rollback()
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        db.session.commit()
    for line in lines:
        click.echo(line)


@demo_cli.command("clear")
def clear_command():
    """Remove the sample rows `demo load` added, and nothing else."""
    with cli_actor():
        try:
            lines = clear_demo()
        except DemoError as exc:
            db.session.rollback()
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        db.session.commit()
    for line in lines:
        click.echo(line)
