"""Front-end libraries installed from the npm registry at set-up time (`make setup`),
served by the app itself so that no page needs the internet."""

import os

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("vendor", __name__, url_prefix="/vendor")

# package name -> folder inside node_modules that may be served
PACKAGES = {
    "leaflet": "leaflet/dist",
    "leaflet.heat": "leaflet.heat/dist",
    "idb": "idb/build",
    "axe-core": "axe-core",
    # Draws the offline base map's vector tiles (engage/maps/basemap.py) on a Leaflet map.
    "protomaps-leaflet": "protomaps-leaflet/dist",
}


@bp.route("/<package>/<path:filename>")
def file(package, filename):
    if package not in PACKAGES:
        abort(404)
    folder = os.path.join(current_app.config["ENGAGE_NODE_MODULES"], PACKAGES[package])
    if not os.path.isdir(folder):
        current_app.logger.error("front-end package %s missing from %s: run `make setup`", package, folder)
        abort(404)
    return send_from_directory(folder, filename, max_age=86400)
