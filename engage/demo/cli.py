"""`flask demo load` / `flask demo clear`: sample configuration to try the app with."""

import sys

import click
from flask.cli import AppGroup

from engage.demo.services import DemoError, clear_demo, load_demo
from engage.extensions import db
from engage.platform.audit import cli_actor

demo_cli = AppGroup("demo", help="Sample teams, routing rules and designations, all marked as sample.")


def _run(change):
    """Run `change()` as the person at the terminal, commit, and print what it did;
    on a DemoError store nothing and exit with status 2."""
    with cli_actor():
        try:
            lines = change()
        except DemoError as exc:
            db.session.rollback()
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        db.session.commit()
    for line in lines:
        click.echo(line)


@demo_cli.command("load")
def load_command():
    """Add the sample teams, routing rules and designations, and a year of demo
    meetings and concerns (again: changes nothing)."""
    _run(load_demo)


@demo_cli.command("clear")
def clear_command():
    """Remove the sample rows `demo load` added, and nothing else."""
    _run(clear_demo)
