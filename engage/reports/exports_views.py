"""Exports for inspectors (their area), staff and admins (everything)."""

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    stream_with_context,
)
from flask_login import current_user

from engage.accounts.access import require_roles
from engage.accounts.policy import scope_for
from engage.demo.source import default_source, source_from
from engage.geography.ward_names import resolve_ward
from engage.reports.aggregation import Period
from engage.reports.exports import (
    CONCERN_COLUMNS,
    CONCERN_SHEET,
    CONTACT_COLUMNS,
    CONTACT_SHEET,
    MEETING_COLUMNS,
    MEETING_SHEET,
    ExportFilters,
    concern_point,
    concern_rows,
    meeting_point,
    meeting_rows,
    record_export,
    stream_csv,
    stream_geojson,
    xlsx,
)
from engage.reports.periods import last_twelve_months
from engage.reports.ward_export import categories, ward_csv_columns, ward_rows, ward_sheet

bp = Blueprint("exports", __name__, url_prefix="/exports")

MIMETYPES = {
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.before_request
def roles():
    return require_roles("inspector", "staff", "admin")


@bp.route("")
def index():
    return _form()


def _form(ward=None, errors=(), status=200):
    """The exports page; after a refused download, with what was typed and what was wrong."""
    source = source_from(request.args)
    return render_template(
        "reports/exports.html",
        source=source,
        may_export_contact=scope_for(current_user).may_see_contact(),
        ward=ward,
        errors=[*errors, *([source.error] if source.error else [])],
    ), (400 if source.error else status)


@bp.route("/<what>.<fmt>")
def download(what, fmt):
    if what not in ("concerns", "meetings", "wards") or fmt not in MIMETYPES:
        abort(404, "exports are concerns, meetings or wards, as csv, xlsx or geojson")
    if what == "wards" and fmt == "geojson":
        abort(404, "the wards export is CSV or Excel; the ward outlines are at /api/wards")
    # The ward as people name it; the filters take its code.
    ward = resolve_ward(request.args.get("ward"))
    args = request.args.copy()
    args["ward"] = ward.ward.code if ward.ward else ""
    filters, errors = ExportFilters.from_args(args, default_source=default_source())
    if errors or ward.problem:
        return _form(ward, errors, 400)
    scope = scope_for(current_user)
    # Residents' contact details: only for roles that may see every concern's (the rows
    # then hold them only where the resident consented).
    with_contact = what == "concerns" and request.args.get("contact") == "1" and scope.may_see_contact()
    record_export(what, fmt, filters, with_contact)
    name = f"{what}{'-DEMO' if filters.source == 'demo' else ''}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if what == "wards":
        return _wards(filters, scope, fmt, headers)
    if what == "concerns":
        columns = CONCERN_COLUMNS + (CONTACT_COLUMNS if with_contact else [])
        sheet = CONCERN_SHEET + (CONTACT_SHEET if with_contact else [])
        rows, point = concern_rows(filters, scope, with_contact), concern_point
    else:
        columns, sheet, rows, point = MEETING_COLUMNS, MEETING_SHEET, meeting_rows(filters, scope), meeting_point
    if fmt == "csv":
        return Response(stream_with_context(stream_csv(columns, rows)), mimetype=MIMETYPES[fmt], headers=headers)
    if fmt == "geojson":
        return Response(stream_with_context(stream_geojson(rows, point)), mimetype=MIMETYPES[fmt], headers=headers)
    spool = xlsx(sheet, rows, what.capitalize())
    return Response(iter(lambda: spool.read(65536), b""), mimetype=MIMETYPES[fmt], headers=headers)


def _wards(filters, scope, fmt, headers):
    """Per ward, for the Panel appendix: over the dates given, else the last 12 months."""
    today = date.today()
    if filters.date_from or filters.date_to:
        period = Period(filters.date_from or date(2012, 11, 1), filters.date_to or today)
    else:
        period = last_twelve_months(today)
    cats = categories()
    rows = ward_rows(period, filters.source, scope, today)
    if fmt == "csv":
        body = stream_csv(ward_csv_columns(cats), rows)
        return Response(stream_with_context(body), mimetype=MIMETYPES[fmt], headers=headers)
    whose = "" if scope.sees_everything else " Counts only the concerns and meetings you may see."
    note = f"Wards, {period.start:%-d %B %Y} to {period.end:%-d %B %Y}.{whose}"
    spool = xlsx(ward_sheet(cats), rows, "Wards", note=note)
    return Response(iter(lambda: spool.read(65536), b""), mimetype=MIMETYPES[fmt], headers=headers)
