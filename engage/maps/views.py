"""The map pages: concerns per ward and heat maps, and a ward's drill-down."""

import gzip
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from engage.accounts.access import login_required_any_role
from engage.accounts.policy import scope_for
from engage.concerns.models import Category
from engage.demo.source import default_source, source_from
from engage.extensions import db
from engage.geography.models import LocalAuthority
from engage.geography.ward_names import resolve_ward
from engage.maps import basemap
from engage.maps.classes import BREAK_METHODS
from engage.maps.services import MapFilters
from engage.platform.db import utcnow

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
    config = {"filters": filters.as_args()}
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


@bp.app_template_global()
def basemap_config() -> dict:
    """The base layer every map page draws (templates/maps/_basemap.html)."""
    described = basemap.describe(current_app.instance_path)
    tile_url = None
    if described is not None:
        # url_for with stand-ins, so the address follows the app wherever it is mounted.
        tile_url = (
            url_for("maps.tile", z=900001, x=900002, y=900003, ext=described.format)
            .replace("900001", "{z}")
            .replace("900002", "{x}")
            .replace("900003", "{y}")
        )
    return basemap.page_config(current_app.config, current_app.instance_path, current_user.is_authenticated, tile_url)


# A year: the address carries the archive's version, so a new archive is a new address.
TILE_CACHE = "private, max-age=31536000, immutable"


@bp.route("/maps/tiles/<int:z>/<int:x>/<int:y>.<ext>")
@login_required_any_role
def tile(z, x, y, ext):
    """One tile of the installed base map. A vector tile the archive lacks is answered 204
    (an empty tile: open sea, or beyond the area), an image 404; no archive, 404."""
    described = basemap.describe(current_app.instance_path)
    if described is None or ext != described.format:
        abort(404)
    data = basemap.read_tile(current_app.instance_path, z, x, y)
    fresh = request.args.get("v") == described.version
    if data is None:
        if described.kind == "raster" or z > 30 or x >= 1 << z or y >= 1 << z:
            abort(404)
        response = Response(status=204)
    else:
        response = Response(data, mimetype=basemap.MIMETYPES[described.format])
        if data[:2] == b"\x1f\x8b":
            if "gzip" in (request.headers.get("Accept-Encoding") or ""):
                response.headers["Content-Encoding"] = "gzip"
            else:
                response.set_data(gzip.decompress(data))
            response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = TILE_CACHE if fresh else "no-cache"
    return response


@bp.route("/maps/download")
@login_required_any_role
def download():
    """The map as one HTML file that opens with the network off (engage/maps/export.py):
    the filters of /maps, or one ward (`ward`) and the wards around it; residents' words
    only with `texts`, their positions exact only with `exact`. Audited like an export."""
    # folium (and pandas under it) load with the first download, not with every worker.
    from engage.maps.export import MapExportError, map_file, record_download, request_from_args

    req = request_from_args(request.args, today=date.today(), default_source=default_source())
    try:
        made = map_file(
            req,
            scope_for(current_user),
            made_by=current_user.name or current_user.email,
            made_at=utcnow(),
            node_modules=current_app.config["ENGAGE_NODE_MODULES"],
            instance_path=current_app.instance_path,
        )
    except MapExportError as exc:
        abort(400, str(exc))
    except LookupError:
        abort(404, f"no ward {req.ward_code} in your area")
    record_download(req, made)
    db.session.commit()
    response = Response(made.html, mimetype="text/html")
    response.headers["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response
