"""The office's reports pages: the Panel report in HTML, Word and PDF, coverage."""

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
from engage.reports.panel_report import (
    NARRATIVE_KEYS,
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


@bp.route("/panel", methods=["GET", "POST"])
def panel():
    period, errors = parse_period(request.values, date.today())
    source = source_from(request.values)
    if source.error:
        errors.append(source.error)
    if errors:
        return render_template(
            "reports/index.html",
            presets=presets(date.today()),
            today=date.today(),
            errors=errors,
            values=request.values,
            source=source,
        ), 400
    narrative = {k: request.form.get(k, "") for k in NARRATIVE_KEYS} if request.method == "POST" else None
    problems = narrative_problems(narrative)
    report = build_panel_report(period, source.name, programme_start(), narrative)
    fmt = request.form.get("format") if request.method == "POST" else None
    if fmt in FORMATS and not problems:
        body = {"docx": render_docx, "pdf": render_pdf, "html": render_html}[fmt](report)
        record_report(period, fmt, report.source)
        db.session.commit()
        name = f"programme-of-engagement-{period.start}-to-{period.end}{'-DEMO' if report.is_demo else ''}.{fmt}"
        return Response(body, mimetype=FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return render_template(
        "reports/panel.html",
        r=report,
        source=source,
        keys=NARRATIVE_KEYS,
        problems=problems,
        map_data=__import__("base64").b64encode(report.map_png).decode() if report.map_png else None,
    ), (422 if problems else 200)


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
