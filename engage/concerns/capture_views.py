"""The officer's phone pages: the capture app, served to work offline."""

import hashlib
import json
import os

from flask import Blueprint, Response, current_app, render_template, url_for

from engage.accounts.access import role_required
from engage.concerns.capture import teams_who_attend
from engage.concerns.schemas import page_contract
from engage.maps.views import basemap_config
from engage.platform.vendor import PACKAGES

bp = Blueprint("capture", __name__)

CAPTURE_ROLES = ("officer", "staff", "admin")

# The capture scripts, in the order the page loads them (the page and the worker's
# precache list both come from here, so they cannot drift apart).
SCRIPTS = (
    "contract.js",
    "days.js",
    "store.js",
    "geo.js",
    "places.js",
    "same.js",
    "sync.js",
    "location.js",
    "concern.js",
    "tiles.js",
    "maplib.js",
    "meeting.js",
    "list.js",
    "reportback.js",
    "brief.js",
    "logout.js",
    "app.js",
)

STYLES = ("css/engage.css", "css/capture.css")

ICONS = ("icons/capture-192.png", "icons/capture-512.png", "icons/capture-maskable-512.png", "icons/capture.svg")

VENDOR = (("idb", "umd.js"),)

# The map, loaded after the form is usable (static/js/capture/maplib.js), in order:
# Leaflet, the vector base map's renderer when one is installed, the page's base layer.
MAP_STYLES = (("leaflet", "leaflet.css"),)
MAP_SCRIPTS = (("leaflet", "leaflet.js"), ("protomaps-leaflet", "protomaps-leaflet.js"))
SHARED_SCRIPTS = ("js/basemap.js",)

# Reference data the page needs offline: fetched network-first, the cached copy used without signal.
DATA_ENDPOINTS = ("api.categories", "api.wards", "api.v1_wards")


@bp.route("/capture")
@role_required(*CAPTURE_ROLES)
def index():
    # The limits and editable fields of the API's schemas, for the template's maxlength
    # attributes and (as a JSON block) for the page's scripts: see contract.js.
    return render_template(
        "capture/index.html",
        scripts=SCRIPTS,
        contract=page_contract(),
        teams=teams_who_attend(),
        undo_minutes=current_app.config["ENGAGE_UNDO_MINUTES"],
    )


@bp.route("/capture/manifest.webmanifest")
def manifest():
    # Public: browsers fetch manifests without cookies.
    icon = lambda name, size, purpose="any": {  # noqa: E731
        "src": url_for("static", filename=name),
        "sizes": size,
        "type": "image/svg+xml" if name.endswith(".svg") else "image/png",
        "purpose": purpose,
    }
    body = {
        "name": "engage capture",
        "short_name": "Capture",
        "description": "Record the concerns residents raise at Your Force Your Voice meetings, with or without signal.",
        "start_url": url_for("capture.index"),
        "scope": url_for("capture.index"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b3c5d",
        "icons": [
            icon(ICONS[0], "192x192"),
            icon(ICONS[1], "512x512"),
            icon(ICONS[2], "512x512", "maskable"),
            icon(ICONS[3], "any"),
        ],
    }
    return Response(json.dumps(body, indent=1), mimetype="application/manifest+json")


@bp.app_template_global()
def map_library(basemap: dict) -> dict:
    """The map's files for static/js/capture/maplib.js: protomaps-leaflet only when the
    installed base map is vector tiles (128 KB a phone need not fetch otherwise)."""
    scripts = [(p, n) for p, n in MAP_SCRIPTS if p != "protomaps-leaflet" or basemap.get("kind") == "vector"]
    return {
        "styles": [url_for("vendor.file", package=p, filename=n) for p, n in MAP_STYLES],
        "scripts": [url_for("vendor.file", package=p, filename=n) for p, n in scripts]
        + [url_for("static", filename=name) for name in SHARED_SCRIPTS],
    }


def shell_urls() -> list[str]:
    """Everything the capture page needs to start with no network. Not the manifest's
    icons: the browser fetches those itself when the app is added to the home screen."""
    library = map_library(basemap_config())
    return [
        url_for("capture.index"),
        url_for("capture.manifest"),
        url_for("static", filename="favicon.svg"),
        *(url_for("static", filename=f"js/capture/{name}") for name in SCRIPTS),
        *(url_for("static", filename=name) for name in STYLES),
        *(url_for("vendor.file", package=package, filename=name) for package, name in VENDOR),
        *library["styles"],
        *library["scripts"],
    ]


def _shell_files() -> list[str]:
    static, templates = current_app.static_folder, current_app.template_folder
    node_modules = current_app.config["ENGAGE_NODE_MODULES"]

    return [
        os.path.join(static, "js", "capture", "sw.js"),
        os.path.join(templates, "base.html"),
        os.path.join(templates, "capture", "index.html"),
        *(os.path.join(static, "js", "capture", name) for name in SCRIPTS),
        *(os.path.join(static, name) for name in STYLES + SHARED_SCRIPTS + ICONS),
        os.path.join(templates, "maps", "_basemap.html"),
        *(os.path.join(node_modules, PACKAGES[package], name) for package, name in VENDOR + MAP_STYLES + MAP_SCRIPTS),
    ]


_version_cache: dict[tuple, str] = {}


def shell_version() -> str:
    """A hash of every file in the shell. A new deployment changes the worker's bytes,
    so browsers install the new worker and re-cache the shell; an unchanged one keeps
    the cache (and the officer's phone downloads nothing)."""
    files = _shell_files()
    key = tuple((path, os.path.getmtime(path) if os.path.exists(path) else 0) for path in files)
    if key not in _version_cache:
        digest = hashlib.sha256()
        for path in files:
            if os.path.exists(path):
                with open(path, "rb") as fh:
                    digest.update(fh.read())
        _version_cache.clear()
        _version_cache[key] = digest.hexdigest()[:16]
    return _version_cache[key]


@bp.route("/sw.js")
def service_worker():
    """The worker is served from the root so that it may control /capture and see the
    API and vendor requests the page makes; it is registered with scope /capture, so
    the rest of the site is untouched by it."""
    with open(os.path.join(current_app.static_folder, "js", "capture", "sw.js"), encoding="utf-8") as fh:
        source = fh.read()
    config = {
        "version": shell_version(),
        "shell": shell_urls(),
        "data": [url_for(endpoint) for endpoint in DATA_ENDPOINTS],
        "page": url_for("capture.index"),
    }
    body = f"// Generated by engage/concerns/capture_views.py for this deployment.\nconst CAPTURE = {json.dumps(config)};\n\n{source}"
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker on each visit; never let a cache answer for it.
    response.headers["Cache-Control"] = "no-cache, no-store, must-revalidate"
    return response
