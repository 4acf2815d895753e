"""The ward brief's page and its files (issue #21): parse, build one brief, render.
Anyone signed in may ask; what the brief holds is the policy's (engage/reports/ward_brief.py)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from engage.accounts.access import login_required_any_role
from engage.accounts.policy import for_briefing, scope_for
from engage.demo.source import source_from
from engage.reports.ward_brief import (
    WardNotFound,
    build_ward_brief,
    find_brief_ward,
    record_brief_download,
    render_docx,
    render_pdf,
)

bp = Blueprint("brief", __name__)

FORMATS = {
    "pdf": ("application/pdf", render_pdf),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", render_docx),
}
# The only query parameter: real or demo data (engage/demo/source.py).
KNOWN_ARGS = {"source"}


def _brief(code: str):
    """(the brief, the data source) or the 404 / 400 the request deserves."""
    scope = for_briefing(scope_for(current_user))
    try:
        ward = find_brief_ward(code, scope)
    except WardNotFound as exc:
        abort(404, str(exc))
    unknown = sorted(set(request.args) - KNOWN_ARGS)
    if unknown:
        abort(400, f"The ward brief takes no '{unknown[0]}': only source=real or source=demo.")
    source = source_from(request.args)
    if source.error:
        abort(400, f"The ward brief cannot be drawn: {source.error}.")
    return build_ward_brief(ward, date.today(), scope, source.name), source


@bp.route("/wards/<code>/brief")
@login_required_any_role
def page(code):
    brief, source = _brief(code)
    return render_template("reports/ward_brief.html", b=brief, source=source)


@bp.route("/wards/<code>/brief.<fmt>")
@login_required_any_role
def download(code, fmt):
    if fmt not in FORMATS:
        abort(404, "The ward brief downloads as .pdf or .docx.")
    brief, _ = _brief(code)
    mimetype, render = FORMATS[fmt]
    body = render(brief)
    record_brief_download(brief, fmt)
    name = f"ward-brief-{brief.ward.code}-{brief.today.isoformat()}{'-DEMO' if brief.is_demo else ''}.{fmt}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
