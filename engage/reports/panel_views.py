"""The Panel report's pages, on the reports blueprint: the report to read and reword, its
wording saved as staff type, "sent to the Panel" (the files kept as sent), and a meeting
added from the page."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from engage.concerns.capture import DuplicateMeeting, ValidationFailed, record_meeting
from engage.concerns.models import MEETING_KINDS
from engage.demo.source import source_from
from engage.extensions import db
from engage.geography.ward_names import resolve_ward
from engage.reports.aggregation import Period
from engage.reports.drafts import DraftProblems, ReportKey, ReportSent, find_draft, mark_sent, revert, save_wording
from engage.reports.models import PanelReportDraft
from engage.reports.panel_report import build_panel_report, narrative_problems, render_docx, render_html, render_pdf
from engage.reports.periods import parse_period, presets, record_report
from engage.reports.views import bp, programme_start

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def _dates(values, today: date) -> tuple[date, date | None, list[str]]:
    """The report's own date (default today) and the Panel meeting's (optional)."""
    errors, found = [], {}
    for name, label, default in (("report_date", "report date", today), ("panel_date", "Panel meeting date", None)):
        raw = (values.get(name) or "").strip()
        try:
            found[name] = date.fromisoformat(raw) if raw else default
        except ValueError:
            errors.append(f"The {label} '{raw}' is not a date like 2026-07-03.")
            found[name] = default
    return found["report_date"], found["panel_date"], errors


def _which(values):
    """(ReportKey, panel date, source, errors) from a request's values; the key is None
    when the period or source is wrong."""
    today = date.today()
    period, errors = parse_period(values, today)
    source = source_from(values)
    if source.error:
        errors.append(source.error)
    report_date, panel_date, date_errors = _dates(values, today)
    key = ReportKey(period, report_date, source.name) if period and not source.error else None
    return key, panel_date, source, errors, date_errors


def _period_page(errors, source):
    today = date.today()
    return render_template(
        "reports/index.html", presets=presets(today), today=today, errors=errors, values=request.values, source=source
    ), 400


def _page_args(key: ReportKey, panel_date: date | None = None, **extra) -> dict:
    args = {
        "from": key.period.start.isoformat(),
        "to": key.period.end.isoformat(),
        "report_date": key.report_date.isoformat(),
        "source": key.source,
    }
    if panel_date:
        args["panel_date"] = panel_date.isoformat()
    return {**args, **extra}


def _report_with_draft(key: ReportKey, draft: PanelReportDraft | None, panel_date: date | None):
    """The report as staff left its wording."""
    return build_panel_report(
        key.period,
        key.source,
        programme_start(),
        draft.wording if draft else {},
        report_date=key.report_date,
        panel_date=panel_date,
    )


def typed_wording(form) -> dict[str, str]:
    """The paragraphs staff typed, by key (fields named p:<key>)."""
    return {name[2:]: value for name, value in form.items() if name.startswith("p:")}


@bp.route("/panel", methods=["GET", "POST"])
def panel():
    key, panel_date, source, errors, date_errors = _which(request.values)
    if errors:
        return _period_page(errors, source)
    draft = find_draft(key)
    if draft is not None and draft.sent_at is not None:
        return render_template("reports/panel_sent.html", draft=draft, source=source)
    if panel_date is None and draft is not None and "panel_date" not in request.values:
        panel_date = draft.panel_date
    typed = typed_wording(request.form) if request.method == "POST" else {}
    if request.form.get("revert"):
        typed[request.form["revert"]] = ""
    problems = narrative_problems(typed)
    saved = dict(draft.wording if draft else {})
    wording = {**saved, **{k: v for k, v in typed.items() if k not in problems}}
    report = build_panel_report(
        key.period, key.source, programme_start(), wording, report_date=key.report_date, panel_date=panel_date
    )
    if request.method == "POST" and not problems:
        # Without JavaScript the form is the draft: keep what differs from the computed text.
        computed = {p.key: p.computed for section in report.sections for p in section.paragraphs}
        changes = {k: ("" if v.strip() == computed.get(k, "").strip() else v) for k, v in typed.items()}
        if any((saved.get(k) or "") != v.strip() for k, v in changes.items()):
            draft = save_wording(key, changes, current_user.email, panel_date)
            db.session.commit()
    fmt = request.form.get("format") if request.method == "POST" else None
    if fmt in FORMATS and not problems and not date_errors:
        body = {"docx": render_docx, "pdf": render_pdf, "html": render_html}[fmt](report)
        record_report(key.period, fmt, report.source)
        db.session.commit()
        return _file(body, fmt, key, report.is_demo)
    return render_template(
        "reports/panel.html",
        r=report,
        source=source,
        problems=problems,
        typed={k: v for k, v in typed.items() if k in problems},
        errors=date_errors,
        draft=draft,
        page_args=_page_args(key, panel_date),
        kinds=MEETING_KINDS,
        meeting_errors={},
        meeting_values={},
    ), (422 if problems or date_errors else 200)


def _file(body, fmt: str, key: ReportKey, demo: bool) -> Response:
    name = f"programme-of-engagement-{key.period.start}-to-{key.period.end}{'-DEMO' if demo else ''}.{fmt}"
    return Response(body, mimetype=FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/panel/draft", methods=["POST"])
def save_draft():
    """The page's JavaScript saves each paragraph as staff type: {"p:<key>": text} in a
    form body, with the report's period and dates. An empty text is "back to computed"."""
    key, panel_date, _, errors, date_errors = _which(request.form)
    if errors or date_errors:
        return jsonify(error=" ".join(errors + date_errors)), 400
    try:
        draft = save_wording(key, typed_wording(request.form), current_user.email, panel_date)
    except DraftProblems as exc:
        return jsonify(error="Not saved: a paragraph holds text a report cannot.", paragraphs=exc.problems), 422
    except ReportSent as exc:
        return jsonify(error=str(exc)), 409
    db.session.commit()
    return jsonify(saved_by=draft.updated_by, saved_at=draft.updated_at.isoformat(), edited=sorted(draft.wording))


@bp.route("/panel/revert", methods=["POST"])
def revert_draft():
    key, panel_date, source, errors, _ = _which(request.form)
    if errors:
        return _period_page(errors, source)
    try:
        revert(key, None, current_user.email)
    except ReportSent as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("Every paragraph is back to the computed wording.", "info")
    return redirect(url_for("reports.panel", **_page_args(key, panel_date)))


@bp.route("/panel/send", methods=["POST"])
def send():
    """Two steps: the first shows what will be sent and asks to confirm; the confirmed
    one keeps the Word and PDF files as they are now, and the report is frozen."""
    key, panel_date, source, errors, date_errors = _which(request.form)
    if errors or date_errors:
        return _period_page(errors + date_errors, source)
    draft = find_draft(key)
    if draft is not None and draft.sent_at is not None:
        flash(str(ReportSent(draft)), "error")
        return redirect(url_for("reports.panel", **_page_args(key)))
    if key.source == "demo":
        flash("A report built from demo data cannot be sent to the Panel: its figures are invented.", "error")
        return redirect(url_for("reports.panel", **_page_args(key, panel_date))), 303
    report = _report_with_draft(key, draft, panel_date)
    if request.form.get("confirm") != "yes":
        return render_template("reports/panel_send.html", r=report, page_args=_page_args(key, panel_date))
    docx, pdf = render_docx(report), render_pdf(report)
    mark_sent(key, docx, pdf, current_user.email, panel_date)
    record_report(key.period, "sent", key.source)
    db.session.commit()
    flash("Marked as sent to the Panel: the Word and PDF files are kept exactly as they are now.", "info")
    return redirect(url_for("reports.panel", **_page_args(key)))


@bp.route("/panel/sent/<int:report_id>.<fmt>")
def sent_file(report_id, fmt):
    draft = db.get_or_404(PanelReportDraft, report_id, description="No such report.")
    if draft.sent_at is None or fmt not in ("docx", "pdf"):
        abort(404, description="That report has not been sent to the Panel.")
    key = ReportKey(Period(draft.period_start, draft.period_end), draft.report_date, draft.source)
    return _file(draft.sent_docx if fmt == "docx" else draft.sent_pdf, fmt, key, False)


@bp.route("/panel/meeting", methods=["POST"])
def add_meeting():
    """A meeting of any kind, added from the report page; back to the same report."""
    key, panel_date, source, errors, _ = _which(request.form)
    if errors:
        return _period_page(errors, source)
    f = request.form
    choice = resolve_ward(f.get("m-ward", ""))
    problems = {}
    if choice.problem or choice.ward is None:
        problems["ward_codes"] = choice.problem or "Give the ward the meeting was in."
    body = {
        "id": str(uuid.uuid4()),
        "kind": f.get("m-kind", ""),
        "date": f.get("m-date", ""),
        "venue": f.get("m-venue", ""),
        "ward_codes": [choice.ward.code] if choice.ward else [],
        "pcc_attended": f.get("m-pcc") == "yes",
        "notes": f.get("m-notes", ""),
        "status": "held",
    }
    if not problems:
        try:
            meeting, _ = record_meeting(body, current_user, is_demo=key.source == "demo")
        except ValidationFailed as exc:
            problems = exc.errors
        except DuplicateMeeting as exc:
            problems = {"venue": f"A meeting at this venue on this day is recorded already ({exc.meeting.kind_label})."}
        else:
            db.session.commit()
            flash(f"Added the {meeting.kind_label.lower()} of {meeting.date:%-d %B %Y}.", "info")
            return redirect(url_for("reports.panel", **_page_args(key, panel_date)) + "#sec-4")
    draft = find_draft(key)
    report = _report_with_draft(key, draft, panel_date)
    return render_template(
        "reports/panel.html",
        r=report,
        source=source,
        problems={},
        typed={},
        errors=[],
        draft=draft,
        page_args=_page_args(key, panel_date),
        kinds=MEETING_KINDS,
        meeting_errors=problems,
        meeting_values=f,
    ), 422
