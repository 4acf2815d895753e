"""`flask actions remind`: queue the reminders of actions falling due and the weekly
lists (engage/actions/reminders.py). The outbox worker also runs them each round."""

import click
from flask.cli import AppGroup

from engage.actions.reminders import queue_reminders
from engage.platform.dates import office_day

actions_cli = AppGroup("actions", help="Actions with owners and due dates.")


@actions_cli.command("remind")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="As on this day (default: today at the office).")
def remind_command(on):
    """Queue in the outbox one reminder per action falling due and each team's weekly
    list; running it again queues nothing twice. `flask outbox send` sends them."""
    report = queue_reminders(on.date() if on else office_day())
    click.echo(f"actions: {report} queued")
