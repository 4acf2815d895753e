"""The office's reports pages: the reports index and ward coverage (the Panel report's own
pages are in panel_views.py, on this blueprint)."""

import base64
from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    url_for,
)

from engage.accounts.access import require_roles
from engage.demo.source import source_from
from engage.platform import english
from engage.reports.drafts import recent_reports
from engage.reports.periods import last_twelve_months, parse_period, presets
from engage.reports.visits import (
    DUE_WINDOW_DAYS,
    coverage_csv,
    due_with_nothing_planned,
)
from engage.reports.visits import plan as ward_plan
from engage.reports.visits import targets as coverage_targets

bp = Blueprint("reports", __name__, url_prefix="/reports")


# The report's dates as the office writes them ("3rd July 2018"), on every page that shows them.
bp.add_app_template_filter(english.long_date, "long_date")
bp.add_app_template_filter(english.plain_date, "plain_date")
bp.add_app_template_filter(english.day_month, "day_month")


@bp.app_template_filter("b64")
def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@bp.before_request
def staff_only():
    return require_roles("staff", "admin")


def programme_start() -> date:
    return date.fromisoformat(current_app.config["ENGAGE_PROGRAMME_START"])


@bp.route("")
def index():
    today = date.today()
    source = source_from(request.args)
    errors = [source.error] if source.error else []
    return render_template(
        "reports/index.html", presets=presets(today), today=today, source=source, errors=errors, recent=recent_reports()
    ), (400 if errors else 200)


@bp.route("/coverage")
def coverage():
    today = date.today()
    period, errors = parse_period(request.args, today) if request.args.get("from") else (last_twelve_months(today), [])
    if errors:
        period = last_twelve_months(today)
    source = source_from(request.args)
    if source.error:
        errors.append(source.error)
    show_due = request.args.get("show") == "due"
    rows = ward_plan(period, source.name, today)
    listed = due_with_nothing_planned(rows) if show_due else rows
    if request.args.get("format") == "csv" and not errors:  # else the page, saying what is wrong
        name = f"ward-coverage{'-due' if show_due else ''}{'-DEMO' if source.is_demo else ''}.csv"
        return Response(
            coverage_csv(listed),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    status = {
        w.code: ("visited" if w.visited else "planned" if w.next_planned else "overdue" if w.overdue else "not visited")
        for w in rows
    }
    return render_template(
        "reports/coverage.html",
        rows=rows,
        period=period,
        today=today,
        errors=errors,
        source=source,
        show_due=show_due,
        due=due_with_nothing_planned(rows),
        not_visited=[w for w in rows if not w.visited],
        targets=coverage_targets(),
        window=DUE_WINDOW_DAYS,
        due_by=today + timedelta(days=DUE_WINDOW_DAYS),
        csv_url=url_for(
            "reports.coverage",
            format="csv",
            source=source.name,
            show="due" if show_due else None,
            **{"from": period.start.isoformat(), "to": period.end.isoformat()},
        ),
        status=status,
    )
