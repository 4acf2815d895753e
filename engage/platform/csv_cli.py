"""What `flask teams import`, `flask routing import` and `flask designations import`
share: a CSV file imported all or nothing, as the person at the terminal."""

import sys
from collections.abc import Callable
from typing import TypeVar

import click

from engage.extensions import db
from engage.platform.audit import cli_actor
from engage.platform.csv_rows import FileRefused

T = TypeVar("T")


def import_or_exit(path: str, do_import: Callable[[], T], dry_run: bool = False) -> T:
    """Run `do_import()` and commit (roll back for a dry run). A refused file stores
    nothing: its problems are listed on stderr and the command exits with status 2."""
    with cli_actor():
        try:
            result = do_import()
        except FileRefused as exc:
            db.session.rollback()
            click.echo(f"Error: {path}: nothing imported.", err=True)
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(2)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    return result
