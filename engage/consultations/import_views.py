"""Staff pages over a consultation's figures: importing responses from a survey tool's
spreadsheet (the columns asked for once, then reused) and the results. Staff and admin
only (`Scope.runs_consultations`). Each view parses the form, calls one service and
renders; a refused file comes back with every row's problem."""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.concerns.import_meetings import ImportFileError, read_rows
from engage.consultations.imports import ColumnMapping, ImportRefused, check_mapping, guess_mapping, import_file
from engage.consultations.models import RESPONSE_CHANNELS
from engage.consultations.results import consultation_results
from engage.consultations.views import consultation_or_404, office_only
from engage.extensions import db
from engage.platform.dates import office_day

bp = Blueprint("consultation_figures", __name__, url_prefix="/consultations")

SUFFIXES = (".csv", ".xlsx", ".xlsm")
# An upload waiting for its columns to be chosen is kept this long, then removed.
KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


# The same door as the consultations' own pages: staff and admin.
bp.before_request(office_only)


def _uploads() -> Path:
    folder = Path(current_app.instance_path) / "consultation-imports"
    folder.mkdir(exist_ok=True)
    now = time.time()
    for old in folder.iterdir():
        if now - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
    return folder


def _held(token: str) -> Path | None:
    if not _TOKEN.match(token or ""):
        return None
    return next((p for p in _uploads().glob(f"{token}.*") if p.suffix in SUFFIXES), None)


def _page(consultation, status=200, **context):
    context = {"error": None, "problems": (), **context}
    mapping = ColumnMapping.from_json(consultation.import_mapping)
    return render_template("consultations/import.html", c=consultation, mapping=mapping, **context), status


def _columns_page(consultation, table, mapping, token, errors=None, status=200):
    return render_template(
        "consultations/import_columns.html",
        c=consultation,
        columns=[col for col in table.columns if col],
        mapping=mapping,
        token=token,
        errors=errors or {},
        rows=len(table.rows),
        filename=table.source,
    ), status


@bp.route("/<slug>/import", methods=["GET", "POST"])
def import_responses(slug):
    consultation = consultation_or_404(slug)
    if request.method == "GET":
        return _page(consultation)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(consultation, 400, error="choose the survey tool's export to import (.csv or .xlsx)")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in SUFFIXES:
        return _page(consultation, 400, error=f"“{upload.filename}” is not a .csv or .xlsx file")
    token = secrets.token_urlsafe(24)
    path = _uploads() / f"{token}{suffix}"
    upload.save(path)
    try:
        table = read_rows(path)
    except ImportFileError as exc:
        path.unlink(missing_ok=True)
        return _page(consultation, 400, error=str(exc).replace(path.name, upload.filename))
    table.source = upload.filename
    mapping = ColumnMapping.from_json(consultation.import_mapping)
    if mapping is None or request.form.get("remap") or check_mapping(mapping, consultation, table.columns):
        # First import, a change asked for, or a file whose columns differ: ask.
        fitting = mapping if mapping and not check_mapping(mapping, consultation, table.columns) else None
        return _columns_page(consultation, table, fitting or guess_mapping(consultation, table.columns), token)
    return _import(consultation, table, mapping, path)


@bp.route("/<slug>/import/columns", methods=["POST"])
def choose_columns(slug):
    consultation = consultation_or_404(slug)
    token = request.form.get("token", "")
    path = _held(token)
    if path is None:
        return _page(consultation, 400, error="the file chosen is no longer here: choose it again")
    table = read_rows(path)
    table.source = Path(request.form.get("filename", "")).name[:200] or table.source
    form = request.form
    ticks = {}
    if form.get("layout") == "ticks":
        ticks = {o.label: form.get(f"tick-{o.id}", "") for o in consultation.options if form.get(f"tick-{o.id}")}
    mapping = ColumnMapping(
        ward=form.get("ward", ""),
        ref=form.get("ref", ""),
        priorities=form.get("priorities", "") if form.get("layout") != "ticks" else "",
        ticks=ticks,
        comment=form.get("comment", ""),
    )
    errors = check_mapping(mapping, consultation, table.columns)
    if errors:
        return _columns_page(consultation, table, mapping, token, errors, 400)
    return _import(consultation, table, mapping, path)


def _import(consultation, table, mapping, path: Path):
    try:
        _plan, result = import_file(
            consultation,
            table,
            mapping,
            today=office_day(),
            actor=current_user.email,
            actor_id=current_user.id,
        )
        db.session.commit()
    except ImportRefused as exc:
        db.session.rollback()
        return _page(consultation_or_404(consultation.slug), 400, problems=exc.problems, filename=table.source)
    finally:
        if os.path.exists(path):
            path.unlink()
    flash(f"{table.source}: {result.summary()}", "info")
    return redirect(url_for("consultation_figures.results", slug=consultation.slug))


@bp.route("/<slug>/results")
def results(slug):
    consultation = consultation_or_404(slug)
    return render_template(
        "consultations/results.html",
        c=consultation,
        r=consultation_results(consultation),
        channels=RESPONSE_CHANNELS,
    )
