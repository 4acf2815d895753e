"""The off-road vehicles view at /maps/off-road (engage/maps/offroad.py): concerns about
off-road bikes and Section 59 warnings and seizures on one map, and a monthly chart per
ward with its table. Inspectors, staff and admin (`OFFROAD_ROLES`); what each sees is the
policy's. The ward page links here through `offroad_link` (templates/wards/_offroad.html)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from engage.accounts.access import role_required
from engage.accounts.policy import OFFROAD_ROLES, scope_for
from engage.demo.source import source_from
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import LocalAuthority
from engage.geography.register import feature_collection, register_entries
from engage.geography.ward_names import resolve_ward
from engage.maps.offroad import MAX_MONTHS, Area, months_between, offroad_view
from engage.platform.dates import last_twelve_months

bp = Blueprint("offroad", __name__)


def _day(name: str, default: date, errors: dict) -> date:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"'{raw}' is not a date like 2026-01-31."
        return default


def _period(errors: dict) -> tuple[date, date]:
    date_to = _day("to", date.today(), errors)
    year_from, _ = last_twelve_months(date_to)
    date_from = _day("from", year_from, errors)
    if date_from > date_to:
        errors["from"] = "The period starts after it ends: the twelve months to the end date are shown."
        date_from = year_from
    elif len(months_between(date_from, date_to)) > MAX_MONTHS:
        errors["from"] = f"Choose at most {MAX_MONTHS // 12} years: the twelve months to the end date are shown."
        date_from = year_from
    return date_from, date_to


@bp.route("/maps/off-road")
@role_required(*OFFROAD_ROLES)
def page():
    errors = {}
    boundary_set = current_boundary_set()
    ward = resolve_ward(request.args.get("ward"))
    if ward.problem:
        errors["ward"] = ward.problem
    lad = None
    if request.args.get("lad") and ward.ward is None:
        lad = db.session.scalar(sa.select(LocalAuthority).where(LocalAuthority.code == request.args["lad"]))
        if lad is None:
            errors["lad"] = f"'{request.args['lad']}' is not one of Cleveland's local authorities."
    date_from, date_to = _period(errors)
    source = source_from(request.args)
    if source.error:
        errors["source"] = source.error
    scope = scope_for(current_user)
    area = Area(boundary_set, ward.ward, lad)
    view = offroad_view(scope, area, date_from, date_to, source.is_demo)
    entries = [e for e in register_entries(boundary_set, outlines=True) if e.ward.id in _area_ids(area)]
    data = {
        "outlines": feature_collection(entries, boundary_set, "display"),
        "concerns": view.concern_points,
        "warnings": view.warning_points,
        "countsOnly": view.counts_only,
    }
    return render_template(
        "maps/offroad.html",
        view=view,
        ward=ward,
        errors=errors,
        source=source,
        scope=scope,
        data=data,
        authorities=db.session.scalars(sa.select(LocalAuthority).order_by(LocalAuthority.name)).all(),
    ), (400 if errors else 200)


def _area_ids(area: Area) -> set[int]:
    return set(db.session.scalars(area.ward_ids()))


@bp.app_template_global()
def offroad_link(ward=None) -> str | None:
    """The off-road view (of this ward, or all of Cleveland), on the same data (real or
    demo) as the page linking to it, for those who may open it; None for anyone else."""
    if not current_user.is_authenticated or not current_user.has_role(*OFFROAD_ROLES):
        return None
    args = {"ward": ward.code} if ward is not None else {}
    if request.args.get("source"):
        args["source"] = request.args["source"]
    return url_for("offroad.page", **args)
