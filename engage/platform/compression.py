"""What travels compressed, for the phone on one bar of signal (issue #20).

Flask-Compress does the work (brotli where the browser accepts it, else gzip, also
for streamed exports); this module only decides what it may touch:

- Static files and vendored libraries under their current digest (assets.py) never
  change, and public answers with an ETag (the ward outlines) change rarely, so each is
  compressed once, at the strongest setting, and kept in memory: Leaflet's 148 KB
  travel as 37 KB, the outlines' 142 KB as 24 KB, at no cost after the first.
- An HTML page is compressed only when the request could not have put text into it:
  a GET with no query string. A page that echoes what a request sends (a search box,
  a form shown again with its errors, the log-in page's `next`) next to a secret (the
  CSRF token every page carries) is what the BREACH attack reads through compression,
  so those travel as they are. JSON and other answers carry no token and are compressed.
"""

from __future__ import annotations

import gzip
import threading

import brotli
from flask import Flask, Response, request

from engage.extensions import compress

EXTRA_MIMETYPES = ("application/geo+json", "text/csv", "image/svg+xml")
ASSET_CACHE_BYTES = 16 * 1024 * 1024

_assets: dict[tuple[str, str, str], bytes] = {}
_assets_size = 0
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    compress.init_app(app)  # sets Flask-Compress's defaults, the types it compresses among them
    compress.compress_mimetypes_set |= set(EXTRA_MIMETYPES)
    app.after_request(compress_response)


def compress_response(response: Response) -> Response:
    if response.status_code == 206:  # a range of the file's own bytes: not to be compressed
        return response
    if response.mimetype == "text/html" and not page_may_be_compressed():
        return response
    if response.status_code == 200 and _unchanging(response):
        return _compressed_once(response)
    return compress.after_request(response)


def page_may_be_compressed() -> bool:
    return request.method in ("GET", "HEAD") and not request.query_string


def _unchanging(response: Response) -> bool:
    """The same for everyone (public), and an asset under its digest or with a strong ETag."""
    etag, weak = response.get_etag()
    return response.cache_control.public and (response.cache_control.immutable or (bool(etag) and not weak))


def _compressed_once(response: Response) -> Response:
    response.vary.add("Accept-Encoding")
    if response.mimetype not in compress.compress_mimetypes_set or "Content-Encoding" in response.headers:
        return response
    accepted = request.accept_encodings
    algorithm = "br" if accepted["br"] else "gzip" if accepted["gzip"] else None
    if algorithm is None:
        return response
    etag, weak = response.get_etag()
    key = (request.path, etag or "", algorithm)
    body = _assets.get(key)
    response.direct_passthrough = False
    if body is None:
        data = response.get_data()
        body = brotli.compress(data, quality=11) if algorithm == "br" else gzip.compress(data, 9, mtime=0)
        _keep(key, body)
    elif hasattr(response.response, "close"):
        response.response.close()  # the file send_file opened, not read this time
    response.set_data(body)
    response.headers["Content-Encoding"] = algorithm
    if etag and not weak:
        response.set_etag(f"{etag}:{algorithm}")
    return response.make_conditional(request)


def _keep(key: tuple[str, str, str], body: bytes) -> None:
    global _assets_size
    with _lock:
        if _assets_size + len(body) > ASSET_CACHE_BYTES:
            _assets.clear()
            _assets_size = 0
        _assets[key] = body
        _assets_size += len(body)
