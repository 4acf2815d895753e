"""Front-end libraries installed from the npm registry at set-up time (`make setup`),
served by the app itself so that no page needs the internet. Their URLs carry the
package's digest (engage/platform/assets.py), so a browser keeps each for a year."""

import os

from flask import Blueprint, abort, current_app

from engage.platform.assets import add_digest, package_digest, send_hashed, split_digest

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


def _digest(package: str) -> str | None:
    if package not in PACKAGES:
        return None
    return package_digest(current_app.config["ENGAGE_NODE_MODULES"], PACKAGES[package])


@bp.url_defaults
def _hashed_urls(endpoint, values):
    add_digest(values, lambda _filename: _digest(values.get("package", "")))


@bp.route("/<package>/<path:filename>")
def file(package, filename):
    if package not in PACKAGES:
        abort(404)
    folder = os.path.join(current_app.config["ENGAGE_NODE_MODULES"], PACKAGES[package])
    if not os.path.isdir(folder):
        current_app.logger.error("front-end package %s missing from %s: run `make setup`", package, folder)
        abort(404)
    digest, filename = split_digest(filename)
    return send_hashed(folder, filename, digest, _digest(package))
