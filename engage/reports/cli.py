"""`flask report panel --from --to --format docx|pdf|html --out FILE`."""

import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from engage.demo.source import default_source
from engage.extensions import db
from engage.platform.audit import cli_actor
from engage.reports.aggregation import Period
from engage.reports.panel_report import (
    build_panel_report,
    render_docx,
    render_html,
    render_pdf,
)
from engage.reports.periods import record_report

report_cli = AppGroup("report", help="Reports for the Police and Crime Panel.")


@report_cli.command("panel")
@click.option("--from", "start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "html"]), default="docx", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--source", type=click.Choice(["real", "demo"]), help="Default: real data if any, else demo.")
def panel_command(start, end, fmt, out, source):
    """The Programme of Engagement report for a period."""
    try:
        period = Period(date.fromisoformat(start), date.fromisoformat(end))
    except ValueError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    source = source or default_source()
    report = build_panel_report(period, source, date.fromisoformat(current_app.config["ENGAGE_PROGRAMME_START"]))
    body = {"docx": render_docx, "pdf": render_pdf, "html": render_html}[fmt](report)
    with open(out, "wb") as fh:
        fh.write(body.encode() if isinstance(body, str) else body)
    with cli_actor():
        record_report(period, fmt, source)
        db.session.commit()
    click.echo(
        f"Wrote {out}: {len(report.meetings)} meetings, {report.outcomes.raised} concerns"
        f"{' (DEMO DATA)' if report.is_demo else ''}."
    )
