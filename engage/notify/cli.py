"""`flask outbox send [--loop]`: the e-mail worker."""

import socket
import time

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from engage.actions.reminders import queue_reminders
from engage.extensions import db
from engage.notify.models import OutboxMessage
from engage.notify.services import send_due
from engage.platform.dates import office_day

# The worker queues the actions' reminders (idempotent) at most this often.
REMINDERS_EVERY_SECONDS = 600

outbox_cli = AppGroup("outbox", help="The e-mail outbox.")


def _remind():
    """The actions' reminders, before sending: one that cannot be written is logged and
    left for the next round, and never stops the e-mails already queued."""
    try:
        queue_reminders(office_day())
    except sa.exc.OperationalError:
        raise  # the database away: the round's own handling below
    except Exception:  # noqa: BLE001  (the worker must keep sending)
        db.session.rollback()
        current_app.logger.exception("outbox: the actions' reminders could not be queued")


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, sending what falls due.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between rounds with --loop.")
def send_command(loop, interval):
    """Send the e-mails that are due (retries back off; see docs/notifications.md),
    first queuing the actions' reminders (`flask actions remind`: once each)."""
    socket.setdefaulttimeout(current_app.config["MAIL_TIMEOUT"])
    if not current_app.config.get("MAIL_SERVER"):
        click.echo("MAIL_SERVER is not set: e-mails wait in the outbox until it is.", err=True)
    reminded_at = None
    while True:
        try:
            if reminded_at is None or time.monotonic() - reminded_at >= REMINDERS_EVERY_SECONDS:
                reminded_at = time.monotonic()
                _remind()
            report = send_due()
            if report.sent or report.failed or not loop:
                click.echo(f"outbox: {report}")
        except sa.exc.OperationalError as exc:
            # The database away for a moment must not kill the worker.
            db.session.rollback()
            current_app.logger.warning("outbox: database unavailable (%s); retrying", exc.orig)
        finally:
            db.session.remove()
        if not loop:
            return
        time.sleep(interval)


@outbox_cli.command("list")
@click.option("--state", type=click.Choice(["pending", "sending", "sent", "failed", "digest", "folded"]))
def list_command(state):
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(100)
    if state:
        stmt = stmt.where(OutboxMessage.state == state)
    for m in db.session.scalars(stmt):
        click.echo(f"{m.id}\t{m.state}\t{m.attempts}\t{m.recipient}\t{m.subject}\t{m.last_error[:80]}")
