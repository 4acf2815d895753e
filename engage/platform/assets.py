"""Content-hashed URLs for the app's static files and the front-end libraries it serves.

`url_for("static", filename="css/engage.css")` gives `/static/<digest>/css/engage.css`,
and `url_for("vendor.file", package="leaflet", filename="leaflet.js")` gives
`/vendor/leaflet/<digest>/leaflet.js`: the digest changes when the file does, so a
browser may keep what it fetched for a year without asking again, and a phone on one
bar of signal fetches each file once per version instead of revalidating it on every
page. The digest is a path segment, not a query string, because the capture app's
scripts are ES modules: `import "./store.js"` resolves beside the importing module's
URL, digest included, and a query string would be dropped.

What a digest covers:
- a JavaScript file: every .js file in its folder, because a module's imports resolve
  to its neighbours' URLs, which must change when any of them does;
- any other static file: itself;
- a vendored library's file: the installed package's package.json (its version), so
  a stylesheet's relative images (Leaflet's) resolve under the same digest.

A request whose digest is today's is answered as immutable; one with an old digest
(a page cached before a deployment) still gets today's file, revalidated like an
unhashed URL, never cached for a year.
"""

from __future__ import annotations

import hashlib
import os
import re

from flask import Flask, current_app, request, send_from_directory

DIGEST = re.compile(r"[0-9a-f]{12}")
IMMUTABLE = "public, max-age=31536000, immutable"

_digests: dict[tuple, str] = {}


# Headers for a document (the policy a page runs under, whether it may be framed),
# which a script or a stylesheet does not read: about 500 bytes on each of the 20-odd
# files a page fetches, over a phone's slowest link.
DOCUMENT_ONLY = ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy", "Referrer-Policy")
CODE_TYPES = {"text/javascript", "application/javascript", "text/css"}


def init_app(app: Flask) -> None:
    app.url_defaults(_hashed_urls)
    # The static route keeps Flask's rule (/static/<path:filename>); only its view reads the digest.
    app.view_functions["static"] = serve_static
    # Registered before Talisman, so this runs after it has added its headers.
    app.after_request(_lean_headers)


def _lean_headers(response):
    if request.endpoint in ("static", "vendor.file") and response.mimetype in CODE_TYPES:
        for name in DOCUMENT_ONLY:
            response.headers.pop(name, None)
    return response


def _hashed_urls(endpoint: str, values: dict) -> None:
    if endpoint == "static":
        add_digest(values, static_digest)


def add_digest(values: dict, digest_of) -> None:
    """Puts the digest in front of url_for's filename (once: a URL built twice keeps one)."""
    filename = values.get("filename")
    if not filename or split_digest(filename)[0]:
        return
    digest = digest_of(filename)
    if digest:
        values["filename"] = f"{digest}/{filename}"


def split_digest(filename: str) -> tuple[str | None, str]:
    head, _, rest = filename.partition("/")
    if rest and DIGEST.fullmatch(head):
        return head, rest
    return None, filename


def serve_static(filename: str):
    digest, filename = split_digest(filename)
    folder = current_app.static_folder
    return send_hashed(folder, filename, digest, static_digest(filename))


def send_hashed(folder: str, filename: str, asked: str | None, current: str | None):
    """The file, immutable when the URL carries its current digest, else revalidated."""
    response = send_from_directory(folder, filename)
    response.headers.pop("Content-Disposition", None)  # "inline; filename=...": what a browser does anyway
    if asked and asked == current:
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


def static_digest(filename: str) -> str | None:
    path = _inside(current_app.static_folder, filename)
    if path is None:
        return None
    if path.endswith(".js"):
        folder = os.path.dirname(path)
        return _digest(sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".js")))
    return _digest([path])


def package_digest(node_modules: str, package_folder: str) -> str | None:
    """The digest of an installed npm package: its package.json, which names its version."""
    manifest = os.path.join(node_modules, package_folder.split("/", 1)[0], "package.json")
    return _digest([manifest]) if os.path.isfile(manifest) else None


def _inside(folder: str, filename: str) -> str | None:
    path = os.path.realpath(os.path.join(folder, filename))
    if not path.startswith(os.path.realpath(folder) + os.sep) or not os.path.isfile(path):
        return None
    return path


def _digest(paths: list[str]) -> str:
    # Keyed by size and modification time: a file edited under `flask run` gets a new
    # digest at once, and an unchanged one is not read again.
    key = tuple((p, st.st_size, st.st_mtime_ns) for p in paths for st in [os.stat(p)])
    digest = _digests.get(key)
    if digest is None:
        h = hashlib.sha256()
        for path in paths:
            h.update(os.path.basename(path).encode())
            with open(path, "rb") as fh:
                h.update(fh.read())
        digest = h.hexdigest()[:12]
        if len(_digests) > 512:
            _digests.clear()
        _digests[key] = digest
    return digest
