"""The office's reports pages: the Panel report in HTML, Word and PDF, coverage."""

from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
)

from engage.accounts.access import require_roles
from engage.extensions import db
from engage.maps.drilldown import data_source
from engage.reports.aggregation import coverage as ward_coverage
from engage.reports.panel_report import (
    NARRATIVE_KEYS,
    build_panel_report,
    narrative_problems,
    render_docx,
    render_html,
    render_pdf,
)
from engage.reports.periods import last_twelve_months, parse_period, presets, record_report

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
    return render_template("reports/index.html", presets=presets(today), today=today)


@bp.route("/panel", methods=["GET", "POST"])
def panel():
    period, errors = parse_period(request.values, date.today())
    if errors:
        return render_template(
            "reports/index.html",
            presets=presets(date.today()),
            today=date.today(),
            errors=errors,
            values=request.values,
        ), 400
    narrative = {k: request.form.get(k, "") for k in NARRATIVE_KEYS} if request.method == "POST" else None
    problems = narrative_problems(narrative)
    report = build_panel_report(period, data_source(), programme_start(), narrative)
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
    source = data_source()
    rows = ward_coverage(period, source, today)
    if request.args.get("format") == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["ward_code", "ward_name", "authority", "visited_in_period", "last_meeting", "next_planned", "overdue"]
        )
        for w in rows:
            writer.writerow(
                [w.code, w.name, w.authority, w.visited, w.last_meeting or "", w.next_planned or "", w.overdue]
            )
        return Response(
            out.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="ward-coverage.csv"'},
        )
    status = {
        w.code: ("visited" if w.visited else "planned" if w.next_planned else "overdue" if w.overdue else "not visited")
        for w in rows
    }
    return render_template(
        "reports/coverage.html",
        rows=rows,
        period=period,
        errors=errors,
        source=source,
        not_visited=[w for w in rows if not w.visited],
        status=status,
    )
