"""The map pages: concerns per ward and heat maps, and a ward's drill-down."""

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, request, url_for

from engage.accounts.access import login_required_any_role
from engage.concerns.models import Category
from engage.demo.source import source_from
from engage.extensions import db
from engage.geography.models import LocalAuthority
from engage.geography.ward_names import resolve_ward
from engage.maps.classes import BREAK_METHODS
from engage.maps.services import MapFilters

bp = Blueprint("maps", __name__)


@bp.route("/maps")
@login_required_any_role
def index():
    # "Find a ward": its page (outline, figures, meetings) rather than a filter, since a
    # map of one ward's shading compares it with nothing.
    ward = resolve_ward(request.args.get("ward"))
    if ward.ward is not None:
        return redirect(url_for("wards.detail", code=ward.ward.code))
    source = source_from(request.args)
    filters = MapFilters.from_args(request.args, default_source=source.name)
    config = {
        "filters": filters.as_args(),
        "tileUrl": current_app.config["ENGAGE_TILE_URL"],
        "tileAttribution": current_app.config["ENGAGE_TILE_ATTRIBUTION"],
    }
    return render_template(
        "maps/index.html",
        filters=filters,
        source=source,
        config=config,
        methods=BREAK_METHODS,
        measure=request.args.get("measure", "count"),
        breaks=request.args.get("breaks", "quantiles"),
        categories=db.session.scalars(sa.select(Category).order_by(Category.sort_order)).all(),
        authorities=db.session.scalars(sa.select(LocalAuthority).order_by(LocalAuthority.code)).all(),
        ward=ward,
    ), (400 if ward.problem else 200)
