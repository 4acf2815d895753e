"""The office's reports pages: the Panel report in HTML, Word and PDF, coverage."""

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
from engage.extensions import db
from engage.platform import english
from engage.reports.panel_report import (
    build_panel_report,
    narrative_problems,
    render_docx,
    render_html,
    render_pdf,
)
from engage.reports.periods import last_twelve_months, parse_period, presets, record_report
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


FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def programme_start() -> date:
    return date.fromisoformat(current_app.config["ENGAGE_PROGRAMME_START"])


@bp.route("")
def index():
    today = date.today()
    source = source_from(request.args)
    errors = [source.error] if source.error else []
    return render_template("reports/index.html", presets=presets(today), today=today, source=source, errors=errors), (
        400 if errors else 200
    )


def _report_dates(values, today: date) -> tuple[date, date | None, list[str]]:
    """The report's own date (default today) and the Panel meeting's (optional)."""
    errors = []
    dates = {}
    for name, label, default in (("report_date", "report date", today), ("panel_date", "Panel meeting date", None)):
        raw = (values.get(name) or "").strip()
        try:
            dates[name] = date.fromisoformat(raw) if raw else default
        except ValueError:
            errors.append(f"The {label} '{raw}' is not a date like 2026-07-03.")
            dates[name] = default
    return dates["report_date"], dates["panel_date"], errors


def typed_wording(form) -> dict[str, str]:
    """The paragraphs staff typed, by key (fields named p:<key>)."""
    return {name[2:]: value for name, value in form.items() if name.startswith("p:")}


@bp.route("/panel", methods=["GET", "POST"])
def panel():
    today = date.today()
    period, errors = parse_period(request.values, today)
    source = source_from(request.values)
    if source.error:
        errors.append(source.error)
    if errors:
        return render_template(
            "reports/index.html",
            presets=presets(today),
            today=today,
            errors=errors,
            values=request.values,
            source=source,
        ), 400
    report_date, panel_date, date_errors = _report_dates(request.values, today)
    typed = typed_wording(request.form) if request.method == "POST" else {}
    problems = narrative_problems(typed)
    wording = {k: v for k, v in typed.items() if k not in problems}
    report = build_panel_report(
        period, source.name, programme_start(), wording, report_date=report_date, panel_date=panel_date
    )
    fmt = request.form.get("format") if request.method == "POST" else None
    if fmt in FORMATS and not problems and not date_errors:
        body = {"docx": render_docx, "pdf": render_pdf, "html": render_html}[fmt](report)
        record_report(period, fmt, report.source)
        db.session.commit()
        name = f"programme-of-engagement-{period.start}-to-{period.end}{'-DEMO' if report.is_demo else ''}.{fmt}"
        return Response(body, mimetype=FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return render_template(
        "reports/panel.html",
        r=report,
        source=source,
        problems=problems,
        typed=typed,
        errors=date_errors,
    ), (422 if problems or date_errors else 200)


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
    ), (400 if errors else 200)
