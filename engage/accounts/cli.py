"""`flask users ...` and `flask status`: accounts from the command line."""

import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup, with_appcontext

from engage.accounts.models import ROLES, ApiToken, User
from engage.accounts.services import (
    AccountError,
    create_user,
    end_sessions,
    find_user,
    issue_token,
    new_one_time_password,
    revoke_token,
    set_disabled,
    set_password,
)
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from engage.platform.audit import cli_actor

users_cli = AppGroup("users", help="User accounts and API tokens.")


def _fail(message):
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def _user(email) -> User:
    user = find_user(email)
    if user is None:
        _fail(f"no user with email {email}")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(ROLES),
    help="officer, inspector, staff or admin; repeat for several.",
)
@click.option("--team", "teams", multiple=True, help="Team code; repeat for several.")
@click.option("--name", default="", help="The person's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email, roles, teams, name, password_stdin):
    """Create a user. Without --password-stdin a one-time password is printed."""
    one_time = not password_stdin
    password = sys.stdin.readline().rstrip("\n") if password_stdin else new_one_time_password(email)
    with cli_actor():
        try:
            user = create_user(email, list(roles), password=password, name=name, team_codes=list(teams))
            user.must_change_password = one_time
            db.session.commit()
        except AccountError as exc:
            db.session.rollback()
            _fail(str(exc))
    click.echo(f"Created {user.email} with roles {', '.join(sorted(user.roles))}.")
    if one_time:
        click.echo(f"One-time password (to be changed at first log-in): {password}")


@users_cli.command("list")
def list_command():
    """List users with their roles, teams and state."""
    for user in db.session.scalars(sa.select(User).order_by(User.email)):
        state = "disabled" if user.is_disabled else "active"
        teams = ",".join(t.code for t in user.teams) or "-"
        click.echo(f"{user.email}\t{','.join(sorted(user.roles))}\t{teams}\t{state}")


@users_cli.command("disable")
@click.argument("email")
def disable_command(email):
    """Disable a user: they cannot log in, are logged out everywhere and their API tokens are revoked."""
    with cli_actor():
        ended = set_disabled(_user(email), True)
        db.session.commit()
    click.echo(f"Disabled {email}: {ended}.")


@users_cli.command("enable")
@click.argument("email")
def enable_command(email):
    with cli_actor():
        set_disabled(_user(email), False)
        db.session.commit()
    click.echo(f"Enabled {email} (revoked API tokens stay revoked).")


@users_cli.command("set-password")
@click.argument("email")
def set_password_command(email):
    """Set a one-time password (printed), to be changed at the next log-in. Logs the
    user out everywhere and revokes their API tokens."""
    user = _user(email)
    password = new_one_time_password(user.email)
    with cli_actor():
        ended = set_password(user, password, one_time=True)
        db.session.commit()
    click.echo(f"{email}: {ended}.", err=True)
    click.echo(f"One-time password for {email}: {password}")


@users_cli.command("end-sessions")
@click.argument("email")
def end_sessions_command(email):
    """Log the user out everywhere and revoke their API tokens (a lost phone, a leaked password)."""
    with cli_actor():
        ended = end_sessions(_user(email))
        db.session.commit()
    click.echo(f"{email}: {ended}.")


@users_cli.command("token")
@click.argument("email")
@click.option("--label", default="", help="What the token is for, e.g. 'capture phone'.")
def token_command(email, label):
    """Print a new API token for the user (shown once; only its hash is kept)."""
    user = _user(email)
    if user.is_disabled:
        _fail(f"{email} is disabled")
    with cli_actor():
        issued = issue_token(user, label)
        db.session.commit()
    click.echo(issued.token)


@users_cli.command("revoke-token")
@click.argument("email")
@click.option("--prefix", help="Revoke only the token starting with this (default: all of the user's).")
def revoke_token_command(email, prefix):
    user = _user(email)
    tokens = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    count = 0
    with cli_actor():
        for token in tokens:
            if prefix is None or token.prefix.startswith(prefix[:10]):
                revoke_token(token)
                count += 1
        db.session.commit()
    click.echo(f"Revoked {count} token(s) of {email}.")


@click.command("status")
@with_appcontext
def status_command():
    """What this installation holds, and what to do first on a new one."""
    current = current_boundary_set()
    wards = db.session.scalar(sa.select(sa.func.count()).where(Ward.boundary_set_id == current.id)) if current else 0
    click.echo(f"Boundary set: {current.vintage if current else 'none'} ({wards} wards)")
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    click.echo(f"Users: {users}")
    if not users:
        click.echo(
            "No users yet. Create the first administrator with:\n"
            "  .venv/bin/flask --app engage users create you@example.org --role admin\n"
            "(it prints a one-time password to change at first log-in)."
        )
