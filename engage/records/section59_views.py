"""The Section 59 register's pages: the list with its filters (staff, admin and INT
inspectors, each what `filter_section59` lets them see), and for the office the form
that adds a warning and the page that imports a CSV file (docs/section59.md)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectField, StringField, SubmitField

from engage.accounts.access import role_required
from engage.accounts.policy import scope_for
from engage.admin.forms import as_choices
from engage.demo.source import source_from
from engage.extensions import db
from engage.geography.models import LocalAuthority
from engage.geography.ward_names import resolve_ward
from engage.platform.forms import Form
from engage.records.models import S59_OUTCOMES, S59_VEHICLES
from engage.records.section59 import FIELDS, RegisterFilters, Section59Refused, add_warning, list_warnings
from engage.records.section59_import import MAX_BYTES, Section59FileRefused, import_section59_upload

bp = Blueprint("section59", __name__, url_prefix="/section59")

SHOWN = 500


class WarningForm(Form):
    reference = StringField("Reference number")
    date = StringField("Date", render_kw={"type": "date"})
    place = StringField("Place (optional)")
    grid_ref = StringField("OS grid reference")
    latitude = StringField("Latitude", render_kw={"inputmode": "decimal"})
    longitude = StringField("Longitude", render_kw={"inputmode": "decimal"})
    # Checked by the service, which names what is wrong in the register's words.
    vehicle = SelectField(
        "Vehicle", choices=as_choices([("", "Choose..."), *S59_VEHICLES.items()]), validate_choice=False
    )
    outcome = SelectField(
        "Outcome", choices=as_choices([("", "Choose..."), *S59_OUTCOMES.items()]), validate_choice=False
    )
    submit = SubmitField("Add the warning")


class ImportForm(Form):
    submit = SubmitField("Import")


def _register_scope():
    scope = scope_for(current_user)
    if not scope.reads_section59:
        abort(403, "The Section 59 register is for staff and the inspectors of the police teams.")
    return scope


def _day(args, name: str, errors: dict) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"'{raw}' is not a date like 2026-01-31."
        return None


def _filters(args, is_demo: bool):
    """The list's filters from the query string, with a message per one that is wrong;
    and the ward picker's choice, to show again."""
    errors = {}
    ward = resolve_ward(args.get("ward"))
    if ward.problem:
        errors["ward"] = ward.problem
    lad = args.get("lad") or None
    if lad and not db.session.scalar(sa.select(LocalAuthority.id).where(LocalAuthority.code == lad)):
        errors["lad"] = f"'{lad}' is not one of Cleveland's local authorities."
        lad = None
    date_from, date_to = _day(args, "from", errors), _day(args, "to", errors)
    if date_from and date_to and date_from > date_to:
        errors["from"] = "The period starts after it ends."
    choice = {}
    for name, known in (("vehicle", S59_VEHICLES), ("outcome", S59_OUTCOMES)):
        value = args.get(name) or None
        if value and value not in known:
            errors[name] = f"'{value}' is not one of: {', '.join(known)}."
            value = None
        choice[name] = value
    filters = RegisterFilters(
        ward_id=ward.ward.id if ward.ward else None,
        lad=lad,
        date_from=date_from,
        date_to=date_to,
        vehicle=choice["vehicle"],
        outcome=choice["outcome"],
        unplaced=args.get("unplaced") == "1",
        is_demo=is_demo,
        errors=errors,
    )
    return filters, ward


@bp.route("")
@role_required("inspector", "staff", "admin")
def index():
    scope = _register_scope()
    source = source_from(request.args)
    filters, ward = _filters(request.args, source.is_demo)
    warnings, total = list_warnings(scope, filters, limit=SHOWN)
    errors = dict(filters.errors)
    if source.error:
        errors["source"] = source.error
    return render_template(
        "section59/index.html",
        warnings=warnings,
        total=total,
        shown=SHOWN,
        filters=filters,
        ward=ward,
        errors=errors,
        source=source,
        scope=scope,
        vehicles=S59_VEHICLES,
        outcomes=S59_OUTCOMES,
        authorities=db.session.scalars(sa.select(LocalAuthority).order_by(LocalAuthority.name)).all(),
    ), (400 if errors else 200)


@bp.route("/new", methods=["GET", "POST"])
@role_required("staff", "admin")
def new():
    form = WarningForm()
    if request.method == "GET":
        return render_template("section59/new.html", form=form, problems={})
    problems = {name: " ".join(messages) for name, messages in form.errors.items()} if not form.validate() else {}
    if not problems:
        try:
            warning = add_warning(
                {name: getattr(form, name).data for name in FIELDS}, today=date.today(), actor=current_user.email
            )
        except Section59Refused as exc:
            problems = exc.problems
        else:
            db.session.commit()
            where = warning.ward.name if warning.ward else "outside every ward: flagged to look at"
            flash(f"Added {warning.reference}, {warning.occurred_on:%-d %B %Y} ({where}).", "info")
            # Real data, even on an install that shows demo concerns until real ones exist.
            return redirect(url_for("section59.index", source="real"))
    db.session.rollback()
    return render_template("section59/new.html", form=form, problems=problems), 422


@bp.route("/import", methods=["GET", "POST"])
@role_required("staff", "admin")
def import_file():
    form = ImportForm()
    if request.method == "GET":
        return render_template("section59/import.html", form=form, problems=[])
    upload = request.files.get("file")
    try:
        if not form.validate():
            raise Section59FileRefused(["the form had expired: choose the file again"])
        name = upload.filename if upload is not None else ""
        data = upload.read(MAX_BYTES + 1) if upload is not None else b""
        result = import_section59_upload(name or "", data, today=date.today(), actor=current_user.email)
    except Section59FileRefused as exc:
        db.session.rollback()
        return render_template("section59/import.html", form=form, problems=exc.problems), 400
    db.session.commit()
    for line in result.summary().splitlines():
        flash(line, "info")
    return redirect(url_for("section59.index", source="real"))
